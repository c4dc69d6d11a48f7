"""Small builders shared by the architecture tests."""

from graphs.architecture.capacity import estimate_capacity
from graphs.architecture.extract import extract_requirements
from graphs.architecture.features import detect_features
from graphs.architecture.forces import apply_feature_forces, assess_forces
from graphs.architecture.profile import Profile, build_profile


def profile_for(description: str, requirements: list[str] | None = None, tech_stack: list[str] | None = None
                ) -> Profile:
    """Profile with peak_rps and forces filled, exactly as the analyze node builds it."""
    reqs = extract_requirements(description, requirements or [])
    p = build_profile(reqs, detect_features(reqs, description))
    p.peak_rps = estimate_capacity(p).numbers["peak_rps"]
    p.forces = assess_forces(reqs, [description, *(requirements or [])], p, tech_stack or [])
    apply_feature_forces(p)
    return p
