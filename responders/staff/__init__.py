"""Staff: accounts and passwords, the roles and the checks they pass, the audit trail."""
