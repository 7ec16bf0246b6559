"""Loads fixtures/ideascale/: the documented idea 352809 with its campaign, author, funnel and stage, the
contract's admin and member tokens, and a community of campaign groups, campaigns, funnels with stages,
300 ideas with votes and comments by 30 members, custom fields and assessment results.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.seed) explains."""

import json
from pathlib import Path

from crowdmock.core.store import SeedRows


def _read(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text("utf-8"))


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.ideascale import models as m

    return [
        (m.Member, _read(folder, "members")),
        (m.ApiToken, _read(folder, "api_tokens")),
        (m.Group, _read(folder, "groups")),
        (m.CampaignGroup, _read(folder, "campaign_groups")),
        (m.Funnel, _read(folder, "funnels")),
        (m.Stage, _read(folder, "stages")),
        (m.Campaign, _read(folder, "campaigns")),
        (m.CustomField, _read(folder, "custom_fields")),
        (m.Idea, _read(folder, "ideas")),
        (m.Comment, _read(folder, "comments")),
        (m.Vote, _read(folder, "votes")),
        (m.AssessmentResult, _read(folder, "assessment_results")),
    ]
