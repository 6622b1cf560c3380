"""Turn a py-spy `--format raw` recording (collapsed stacks) into a text profile.

Run: python benchmarks/pyspy_summary.py RAW TITLE > benchmarks/profiles/NAME.txt

Only the stacks of the main thread (the event loop: they start at the program's `<module>`)
are counted. Prints the share of samples under each function (inclusive, top 30) and the
functions with the most samples of their own (top 15).
"""

from __future__ import annotations

import collections
import sys


def main() -> None:
    raw, title = sys.argv[1], sys.argv[2]
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    with open(raw, encoding="utf-8") as source:
        lines = source.readlines()
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        if not frames or not frames[0].startswith("<module>"):
            continue  # another thread
        count = int(count_text)
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    print(f"# {title}\n\nmain-thread samples: {total}\n\n## inclusive (share of samples)")
    for frame, count in inclusive.most_common(30):
        print(f"{count / total:6.1%}  {frame}")
    print("\n## own samples")
    for frame, count in own.most_common(15):
        print(f"{count / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
