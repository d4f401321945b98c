from mgc.cli import main

raise SystemExit(main())
