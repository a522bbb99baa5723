"""Benchmark: render the slowest comment texts a reader can post.

Python-Markdown's cost grows with runs of its own syntax. Prints, for each hostile text of
the longest accepted length (COMMENT_MAX_LENGTH), the median and worst milliseconds of
comments.rendering.comment_to_safe_html, next to an ordinary comment of the same length.
Target: every case under 50 ms.

    .venv/bin/python -m bench.markdown_render [--runs 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_MS = 50


def cases(length: int) -> dict[str, str]:
    ordinary = (
        "I read this twice and still think the second point is right, though the "
        "figures in the third section could use a source.\n\n"
    )

    def fill(unit: str) -> str:
        return (unit * (length // len(unit) + 1))[:length]

    return {
        "ordinary prose": fill(ordinary),
        "prose with a link per line": fill("see [the notes](https://example.com/n) here\n"),
        '"[" run': fill("["),
        '"[[" then "]]"': fill("[")[: length // 2] + fill("]")[: length // 2],
        '"[](" run': fill("[]("),
        '"[a](b" run': fill("[a](b"),
        '"\\[" run': fill("\\["),
        '"![" run': fill("!["),
        '"*" run': fill("*"),
        '"_" run': fill("_"),
        '"*a" run': fill("*a"),
        '"**_" run': fill("**_"),
        '">" on one line': fill(">"),
        '">" nested lines': "\n".join(">" * n for n in range(1, 200))[:length],
        '"`" run': fill("`"),
        '"<" run': fill("<"),
        '"&" run': fill("&"),
        '"\\" run': fill("\\"),
        "bare addresses": fill("http://"),
        "one word per line": fill("a\n"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed renders per case")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from comments.rendering import comment_to_safe_html

    length = settings.COMMENT_MAX_LENGTH
    comment_to_safe_html("warm up *the* [parser](https://example.com)")
    print(
        f"comment text of {length} characters, {args.runs} renders each (target < {TARGET_MS} ms)"
    )
    print(f"{'case':<28} {'median ms':>10} {'worst ms':>10}")
    worst_case = 0.0
    for name, text in cases(length).items():
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            comment_to_safe_html(text)
            timings.append((time.perf_counter() - started) * 1000)
        worst_case = max(worst_case, max(timings))
        print(f"{name:<28} {statistics.median(timings):>10.1f} {max(timings):>10.1f}")
    verdict = "within" if worst_case < TARGET_MS else "OVER"
    print(f"slowest render {worst_case:.1f} ms: {verdict} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
