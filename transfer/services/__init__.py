"""Import and export writes, one module per concern.

- importing: one file into the site, in one transaction (import_file)
- read_ahead: the file read, and comments' words prepared, ahead of the writer (in a child
  process, or a thread)
- runs: imports started in the admin, run by a task, with their progress
- matching: the source's users and articles found here, or created
- placing: a group's comments placed in threads, as live posting would have placed them
- storing: placed comments written in batches across xtd's three tables
- report: what an import did, counted
"""
