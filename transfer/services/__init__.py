"""Import and export writes, one module per concern.

- importing: one file into the site, in one transaction (import_file)
- writer: what the reader yields stored, its articles' groups a batch at a time
- read_ahead: the file read, and comments' words prepared, ahead of the writer (in a child
  process, or a thread)
- runs: imports started in the admin, run by a task, with their progress
- matching: the source's users and articles found here, or created
- article_parts: an article's follow-up updates and followers added
- placing: a group's comments placed in threads, as live posting would have placed them
- storing: placed comments written in batches across xtd's three tables
- comment_ids: the ids of those comments, reserved ahead of their rows
- report: what an import did, counted
"""
