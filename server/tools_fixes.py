"""Fix tools: user feedback on fixes that auto_fix_code learned (steers retrieval of past fixes)."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.annotations import COMPUTE
from server.runtime import Runtime


class FixFeedbackOutput(BaseModel):
    """The fix's feedback tally after this verdict was counted."""

    fix_id: str
    accepted_count: int = Field(ge=0, description="Verdicts 'accepted' so far.")
    rejected_count: int = Field(ge=0, description="Verdicts 'rejected' so far.")
    status: str = Field(description="Review status of the fix: candidate, promoted, curated or rejected.")


def submit_feedback(runtime: Runtime, fix_id: str, accepted: bool, note: str) -> FixFeedbackOutput:
    """Count one verdict on a learned fix; raises ToolError for an unknown id."""
    from graphs.common.kb.fixes import COLLECTION, UnknownFixError, record_feedback

    fix_id = fix_id.strip()
    kb = runtime.deps.kb
    try:
        counts = record_feedback(kb, fix_id, accepted, note)
    except UnknownFixError as exc:
        raise ToolError(f"unknown fix id {fix_id!r}: use the `learned_fix_id` returned by auto_fix_code "
                        "(fix ids of learned fixes look like the one in its output)") from exc
    hit = kb.get(COLLECTION, fix_id)
    status = str(hit.metadata.get("status", "candidate")) if hit is not None else "candidate"
    return FixFeedbackOutput(fix_id=fix_id, accepted_count=counts["accepted_count"],
                             rejected_count=counts["rejected_count"], status=status)


def register(server: MCPServer, runtime: Runtime) -> None:
    """Add the `submit_fix_feedback` tool."""

    @server.tool(annotations=COMPUTE,
                 description="Tell the server whether a fix learned by auto_fix_code worked for you; accepted fixes "
                             "are preferred when the same error is seen again, rejected ones are ranked down.")
    def submit_fix_feedback(
        fix_id: Annotated[str, Field(min_length=1, max_length=100,
                                     description="The `learned_fix_id` returned by auto_fix_code.")],
        accepted: Annotated[bool, Field(description="True when the fix solved your problem.")],
        note: Annotated[str, Field(max_length=1000, description="Optional remark kept with the fix.")] = "",
    ) -> FixFeedbackOutput:
        return submit_feedback(runtime, fix_id, accepted, note)
