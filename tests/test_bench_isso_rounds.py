"""bench/peers.py starts each posting round with Isso's table as it was seeded: Isso's post
costs more with every comment its table holds, so a table left to grow made the level of
clients measured first look the worst for Parley, and the later ones better than they are."""

import sqlite3

from bench.peers_isso import isso_posted_drop


def test_a_round_starts_from_the_seeded_comments_only(tmp_path):
    database = tmp_path / "isso.sqlite3"
    with sqlite3.connect(database) as connection:
        # The columns of Isso 0.14's table that matter here.
        connection.execute(
            "CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, "
            "parent INTEGER, remote_addr VARCHAR, text VARCHAR)"
        )
        connection.executemany(
            "INSERT INTO comments (tid, parent, remote_addr, text) VALUES (1, NULL, ?, ?)",
            [("127.0.0.1", f"comment {n}") for n in range(30)],
        )
    connection.close()

    isso_posted_drop(database, seeded_through=20)
    isso_posted_drop(database, seeded_through=20)  # a round that posted nothing

    with sqlite3.connect(database) as connection:
        kept = [row[0] for row in connection.execute("SELECT id FROM comments ORDER BY id")]
    connection.close()
    assert kept == list(range(1, 21))
