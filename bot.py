#!/usr/bin/env python3
"""Pilkada reminder bot: `python bot.py [run|demo|check FILE]` (see README.md)."""

import sys

from bot.ops.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
