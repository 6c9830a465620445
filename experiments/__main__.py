"""``python -m experiments``: the command ``assoc`` (`experiments._cli`), from Python."""

import sys

from experiments._cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m experiments"))
