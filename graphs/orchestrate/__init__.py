"""orchestrate_task: plan → assign → execute → review as a LangGraph graph. Import submodules directly."""
