"""A bare MCPServer with one ping tool: the baseline our server's ping is compared with."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("bare")


@server.tool()
def ping() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    server.run()
