import sys

from hcpdash.cli import main

sys.exit(main())
