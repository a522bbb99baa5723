"""Where a group's imported comments go in their threads: the same shape live posting gives,
computed in memory for a whole article at once. Pure: no database."""

from collections import defaultdict
from dataclasses import dataclass, field

from comments.models import CommentStatus

from ..records import CommentRecord


@dataclass(frozen=True, slots=True)
class StoredParent:
    """A comment already in the database that an imported reply answers."""

    pk: int
    thread_id: int
    level: int
    parent_id: int  # its own pk when it is a thread's first comment


@dataclass(eq=False, slots=True)
class Placed:
    record: CommentRecord
    level: int = 0
    # The comment this one is stored under: a new one, a stored one, or None at the top.
    parent: "Placed | StoredParent | None" = None
    # The new thread's first comment (itself for a first comment); None in a stored thread.
    root: "Placed | None" = None
    order: int = 0  # xtd's position in a new thread (a stored thread is renumbered)
    nested_count: int = 0  # published replies below it, in a new thread
    pk: int = 0  # once stored
    stored_thread_id: int = 0  # the stored thread it joins, when root is None


@dataclass
class Placement:
    comments: list[Placed] = field(default_factory=list)  # parents before their replies
    stored_threads: set[int] = field(default_factory=set)  # threads that get new replies
    warnings: list[str] = field(default_factory=list)


def comments_place(
    records: list[CommentRecord],
    *,
    stored_parents: dict[str, StoredParent],
    max_level: int,
    term: str = "comment",
) -> Placement:
    """Place new comments: replies under their parent, up to `max_level`; a reply to a
    comment at that level goes beside it, as live posting does; siblings by date.

    `records` are the group's comments that are not stored yet; `stored_parents` maps the
    source ids of stored comments that some of them answer. A reply whose parent is in
    neither starts a thread of its own, with a warning that names the comment by `term`,
    the file's own word for one (SourceReader.comment_term)."""
    placement = Placement()
    by_id: dict[str, int] = {}
    for at, record in enumerate(records):
        if record.source_id in by_id:
            placement.warnings.append(f"{term} {record.source_id} appears twice; kept the first")
            continue
        by_id[record.source_id] = at

    # The parent each comment names: a new one (its index), a stored one, or none.
    named: dict[int, int | StoredParent | None] = {}
    for at in by_id.values():
        record = records[at]
        parent_id = record.parent_source_id
        if not parent_id or max_level == 0:
            named[at] = None
        elif parent_id in by_id and parent_id != record.source_id:
            named[at] = by_id[parent_id]
        elif parent_id in stored_parents:
            named[at] = stored_parents[parent_id]
        elif parent_id == record.source_id:
            placement.warnings.append(
                f"{term} {record.source_id}: it names itself as its parent; attached at the "
                "top level"
            )
            named[at] = None
        else:
            # Only this article's comments are here: the parent may be in the file under
            # another article, so "not in the file" would be untrue.
            placement.warnings.append(
                f"{term} {record.source_id}: its parent {parent_id} is not among this "
                "article's comments, in the file or on the site; attached at the top level"
            )
            named[at] = None

    # Each comment's replies, by date: taken in date order, every list is sorted once made.
    children: dict[int | None, list[int]] = defaultdict(list)
    under_stored: dict[StoredParent, list[int]] = defaultdict(list)
    for at in sorted(named, key=lambda at: (records[at].submitted_at, at)):
        parent = named[at]
        if isinstance(parent, StoredParent):
            under_stored[parent].append(at)
        else:
            children[parent].append(at)
    no_replies: list[int] = []

    reached: set[int] = set()

    def walk(at: int, parent: "Placed | StoredParent | None", level: int) -> None:
        """Place a comment and everything below it, depth first and without recursion: a
        thread can be thousands of replies deep."""
        stack = [(at, parent, level)]
        while stack:
            at, parent, level = stack.pop()
            reached.add(at)
            node = Placed(record=records[at], level=level, parent=parent)
            if parent is None:
                node.root = node
            elif isinstance(parent, Placed):
                node.root, node.stored_thread_id = parent.root, parent.stored_thread_id
            else:
                node.stored_thread_id = parent.thread_id
            placement.comments.append(node)
            # Replies to a comment at the deepest level go beside it, under its parent.
            if level >= max_level:
                below, below_level = parent, level
            else:
                below, below_level = node, level + 1
            for kid in reversed(children.get(at, no_replies)):
                stack.append((kid, below, below_level))

    for root_at in list(children.get(None, no_replies)):
        walk(root_at, None, 0)
    for stored, kids in under_stored.items():
        placement.stored_threads.add(stored.thread_id)
        if stored.level >= max_level and stored.parent_id != stored.pk:
            parent, level = _stored_parent_of(stored), stored.level
        else:
            parent, level = stored, stored.level + 1
        for kid in kids:
            walk(kid, parent, level)

    for at in sorted(set(by_id.values()) - reached):
        if at in reached:  # placed as a reply within an earlier loop's thread
            continue
        placement.warnings.append(
            f"{term} {records[at].source_id}: its parents form a loop; attached at the top level"
        )
        children[named[at]].remove(at)
        walk(at, None, 0)

    _number(placement)
    return placement


def _stored_parent_of(stored: StoredParent) -> StoredParent:
    """The stored comment's own parent, for a reply that goes beside it: known by pk only,
    at the level above (the storing step needs nothing else)."""
    return StoredParent(
        pk=stored.parent_id, thread_id=stored.thread_id, level=stored.level - 1,
        parent_id=stored.parent_id,
    )  # fmt: skip


def _number(placement: Placement) -> None:
    """Positions in each new thread (pre-order: parents before replies, as xtd appends) and
    the published replies below each comment."""
    for node in placement.comments:
        if node.root is node:
            next_order = 1
        if node.root is not None:
            node.order = next_order
            next_order += 1
    for node in reversed(placement.comments):
        if isinstance(node.parent, Placed):
            published = node.record.status == CommentStatus.PUBLISHED
            node.parent.nested_count += node.nested_count + published
