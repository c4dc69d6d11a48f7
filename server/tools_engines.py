"""Engine tools: orchestrate_task, generate_architecture, auto_fix_code (thin: validate, run a graph, return)."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from graphs.architecture.schema import MAX_DESCRIPTION_CHARS, ArchitectureInput, ArchitectureOutput
from graphs.auto_fix.schema import (
    MAX_CODE_CHARS,
    MAX_RAW_ERROR_CHARS,
    MAX_TEXT_CHARS,
    AutoFixInput,
    AutoFixOutput,
)
from graphs.orchestrate.schema import OrchestrateInput, OrchestrateOutput
from server.annotations import COMPUTE, ShortList
from server.engines import run_engine
from server.runtime import Runtime
from server.validation import ensure_text, ensure_texts


def register(server: MCPServer, runtime: Runtime) -> None:
    @server.tool(
        annotations=COMPUTE,
        description="Plan a software task into a dependency DAG of subtasks, assign agents, run what can run "
        "offline (design, review, fix, tests), review the results. Returns the task id for get_task_status.",
    )
    async def orchestrate_task(
        description: Annotated[str, Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS,
                                          description="What should be built or changed.")],
        requirements: ShortList = [],  # noqa: B006 - pydantic copies defaults
        constraints: ShortList = [],  # noqa: B006
        code: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="Optional code the task is about.")] = "",
        tests: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="Optional pytest tests for it.")] = "",
        require_approval: Annotated[bool, Field(
            description="Pause after planning until approve_plan accepts the plan.")] = False,
        ctx: Context = None,  # type: ignore[assignment]
    ) -> OrchestrateOutput:
        inp = OrchestrateInput(
            description=ensure_text("description", description),
            requirements=ensure_texts("requirements", requirements),
            constraints=ensure_texts("constraints", constraints),
            code=ensure_text("code", code),
            tests=ensure_text("tests", tests),
            require_approval=require_approval,
        )
        return await run_engine(ctx, runtime, "orchestrate_task", inp)

    @server.tool(
        annotations=COMPUTE,
        description="Design an architecture from a project description: style with scored alternatives, components, "
        "connections, data stores, patterns, security, scalability, stack compatibility, ADRs, Mermaid diagram, "
        "traceability to requirements and a soundness report; output_format='markdown' adds a Markdown document.",
    )
    async def generate_architecture(
        project_description: Annotated[str, Field(min_length=10, max_length=MAX_DESCRIPTION_CHARS)],
        tech_stack: ShortList = [],  # noqa: B006
        requirements: ShortList = [],  # noqa: B006
        output_format: Literal["structured", "markdown"] = "structured",
        ctx: Context = None,  # type: ignore[assignment]
    ) -> ArchitectureOutput:
        inp = ArchitectureInput(
            project_description=ensure_text("project_description", project_description),
            tech_stack=ensure_texts("tech_stack", tech_stack),
            requirements=ensure_texts("requirements", requirements),
        )
        out: ArchitectureOutput = await run_engine(ctx, runtime, "generate_architecture", inp)
        if output_format == "markdown":
            from graphs.architecture.markdown import render_markdown

            out = out.model_copy(update={"markdown": render_markdown(out)})
        return out

    @server.tool(
        annotations=COMPUTE,
        description="Repair Python code: classify the error, run semgrep and ruff, propose fixes from several "
        "sources, run each against the tests in a sandbox, and return ranked, validated fixes with diffs and risk. "
        "`tests` is pytest code importing the code as module `solution`.",
    )
    async def auto_fix_code(
        code: Annotated[str, Field(min_length=1, max_length=MAX_CODE_CHARS, description="Python source to repair.")],
        error_message: Annotated[str, Field(max_length=MAX_RAW_ERROR_CHARS,
                                            description="Traceback or error text (long ones are folded).")] = "",
        context: Annotated[str, Field(max_length=MAX_TEXT_CHARS, description="Intent; doctest examples help.")] = "",
        tests: Annotated[str, Field(max_length=MAX_CODE_CHARS, description="pytest tests (module `solution`).")] = "",
        language: Literal["python"] = "python",
        ctx: Context = None,  # type: ignore[assignment]
    ) -> AutoFixOutput:
        if not code.strip():
            raise ToolError("`code` is blank: pass the Python source to repair")
        inp = AutoFixInput(
            code=ensure_text("code", code),
            error_message=ensure_text("error_message", error_message),
            context=ensure_text("context", context),
            tests=ensure_text("tests", tests),
            language=language,
        )
        return await run_engine(ctx, runtime, "auto_fix_code", inp)
