import sys

from bot.operator.cli import main

sys.exit(main())
