"""Measures over the per-document tables: emphasis per domain, its change and its means over groups
of plans, distinctive terms, plan similarity. Each returns a schema-checked DataFrame (schemas
registered on import)."""
from .emphasis import emphasis, emphasis_change, emphasis_groups, several_plans
from .groups import emphasis_means
from .plans import duplicate_plans, select_plans
from .similarity import plan_similarity
from .terms import distinctive_terms, weighted_log_odds

__all__ = ["distinctive_terms", "duplicate_plans", "emphasis", "emphasis_change", "emphasis_groups", "emphasis_means",
           "plan_similarity", "select_plans", "several_plans", "weighted_log_odds"]
