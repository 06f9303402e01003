"""Reads the signed-in Microsoft account from Microsoft Graph `/me` (GRAPH_URL)."""

from __future__ import annotations

import aiohttp

from dialogs.ports import AccountDirectoryError, AccountProfile


class GraphAccountDirectory:
    def __init__(self, session: aiohttp.ClientSession, graph_url: str):
        self.session = session
        self.graph_url = graph_url.rstrip("/")

    async def me(self, token: str) -> AccountProfile:
        try:
            async with self.session.get(
                f"{self.graph_url}/me", headers={"Authorization": f"Bearer {token}"}, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                if response.status != 200:
                    raise AccountDirectoryError(f"Graph /me answered {response.status}")
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise AccountDirectoryError(str(exc)) from exc
        sign_in_name = body.get("userPrincipalName") or body.get("mail")
        if not isinstance(sign_in_name, str) or not sign_in_name:
            raise AccountDirectoryError("Graph /me has no userPrincipalName")
        return AccountProfile(sign_in_name, body.get("displayName"))
