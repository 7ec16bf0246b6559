"""Loads fixtures/ideascale/: the documented idea 352809 with its campaign, author, funnel and stage, the
contract's admin and member tokens, and a community of campaign groups, campaigns, funnels with stages,
300 ideas with votes and comments by 30 members, custom fields and assessment results.

Its table models are imported inside the functions, as app/core/vendor.py (Vendor.load_seed) explains."""

from pathlib import Path

from crowdmock.core.fixtures import read_fixture
from crowdmock.core.store import SeedRows


def load(folder: Path) -> SeedRows:
    from crowdmock.vendors.ideascale import models as m

    return [
        (m.Member, read_fixture(folder, "members")),
        (m.ApiToken, read_fixture(folder, "api_tokens")),
        (m.Group, read_fixture(folder, "groups")),
        (m.CampaignGroup, read_fixture(folder, "campaign_groups")),
        (m.Funnel, read_fixture(folder, "funnels")),
        (m.Stage, read_fixture(folder, "stages")),
        (m.Campaign, read_fixture(folder, "campaigns")),
        (m.CustomField, read_fixture(folder, "custom_fields")),
        (m.Idea, read_fixture(folder, "ideas")),
        (m.Comment, read_fixture(folder, "comments")),
        (m.Vote, read_fixture(folder, "votes")),
        (m.AssessmentResult, read_fixture(folder, "assessment_results")),
    ]
