"""auto_fix_code: analyze a failure, propose alternative fixes, test them in the sandbox, rank, learn."""
