"""School sign-in through an OpenID Connect provider (issue 20): Google Workspace, Microsoft
Entra ID or any issuer by its discovery URL, connected by a school or an LA."""
