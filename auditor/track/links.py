"""Links to commits on the repository's web host, from `repository-url` in issues.yaml or
the `origin` remote (GitHub, GitLab and Bitbucket forms, https or ssh)."""

from __future__ import annotations

import re
from collections.abc import Callable

_REMOTE = re.compile(
    r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^:/]+)(?::\d+)?[:/](?P<path>[^?#]+?)(?:\.git)?/?$"
)


def web_url(remote: str) -> str | None:
    """https://host/owner/repo for a remote URL, or None when it is not one we can link
    (a local path, or a host not known to show commits at a predictable address)."""
    match = _REMOTE.match(remote.strip())
    if match is None or remote.startswith(("/", ".", "file:")):
        return None
    host, path = match["host"].lower(), match["path"].strip("/")
    if not any(known in host for known in ("github", "gitlab", "bitbucket")) or "/" not in path:
        return None
    return f"https://{host}/{path}"


def commit_links(base: str | None) -> Callable[[str], str | None]:
    if not base:
        return lambda sha: None
    if "bitbucket" in base:
        return lambda sha: f"{base}/commits/{sha}"
    if "gitlab" in base:
        return lambda sha: f"{base}/-/commit/{sha}"
    return lambda sha: f"{base}/commit/{sha}"
