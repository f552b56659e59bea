"""`python -m server.cli ...` is the `fieldaudit` console script through this interpreter."""

from server.cli.console import main

if __name__ == "__main__":  # importing this module (a package walk) must not run the command
    main()
