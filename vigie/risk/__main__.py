"""``python -m vigie.risk assess FACTS.json …``: the same command as ``vigie assess``, without Django."""

import sys

from .cli import main


def _run(argv: list[str]) -> int:
    if argv[:1] == ["assess"]:
        argv = argv[1:]
    return main(argv)


if __name__ == "__main__":
    sys.exit(_run(sys.argv[1:]))
