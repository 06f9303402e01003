"""The command line and what it prints or builds for an operator."""
