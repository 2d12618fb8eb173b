import sys

from theorems._cli import main

sys.exit(main())
