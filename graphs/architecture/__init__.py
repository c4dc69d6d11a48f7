"""generate_architecture: requirements → patterns → design → validation (LangGraph). Entry point: graph.py."""
