# ruff: noqa: E501  (reference data, one collection per line)
"""The Profile Object reference (docs/vendors/crowdskout.md §1.2): every collection, its fields and their value types.

Value types: str, num, date, datetime, static ({id, value}), poser ({id, externalId, service, value}),
parent ({id, collection}), static[] (array of static objects), str[] (array of strings), object (free
key/value object), list (array of objects). Interaction collections have UUID item ids.
"""

from dataclasses import dataclass

_REFERENCE = """
Ages: Age num, DateOfBirth date
Attributes: AttributeId num, AttributeName str, AttributeType str, AttributeValue any
BusinessOwners: BusinessOwner static
Children: ChildAge num, ChildGender static
Conversations*: ConversationOrganization static, ConversationWhen datetime, ConversationSender str,
  ConversationReceiver str, ConversationMedium static, ConversationService static, ConversationEffort poser,
  ConversationUnsubscribes list, ConversationClicks list, ConversationMessages list
CrowdskoutScores: CrowdskoutScore num, CrowdskoutScoreLabel static
DeceasedRecords: DeceasedFlag static, DateOfDeath date
Donations*: DonationOrganization static, DonationWhen datetime, DonationParent parent, DonationAmount num,
  DonationExternalID str, DonationBundlerID str, DonationSubscriptionID str, DonationCampaign poser,
  DonationPaidWith static, DonationCollectionMethod static, DonationRecurring static, DonationSourceCode str
Dwellings: DwellingType static, OwnRent static, DwellingEstimatedValue num, YearsLived num
Educations: GraduationYear str, EducationInstitution static, EducationLevel static, EducationField static
EmailAddresses: Email str, EmailContact static, EmailUsable static
EmailSends*: EmailSendOrganization static, EmailSendWhen datetime, EmailSendParent parent, EmailSendContent str,
  EmailSendSubject str, EmailSendReplyTo str, EmailSendSenderEmail str, EmailSendSenderName str,
  EmailSendUser static, EmailSendDelivery static, EmailSendService static, EmailSendEmail str,
  EmailSendEmailing poser, EmailSendBounces list, EmailSendOpens list, EmailSendClicks list,
  EmailSendSpamComplaints list, EmailSendUnsubscribes list
IndependentUnsubscribes: IndependentUnsubscribeOrganization static, IndependentUnsubscribeWhen datetime,
  IndependentUnsubscribeEmail str, IndependentUnsubscribeList poser
Ethnicities: Ethnicity static
EventAttendances*: EventAttendanceOrganization static, EventAttendanceWhen datetime, EventAttendanceParent parent,
  EventAttendanceType static, EventAttendanceCollector static, EventAttendanceEventName str
EventRegistrations*: EventRegistrationOrganization static, EventRegistrationWhen datetime,
  EventRegistrationParent parent, EventRegistrationType static, EventRegistrationEvent poser, EventDate datetime,
  EventDescription str, EventURL str, EventTicketName str, EventDiscountCode str, EventRegistrationExternalID object
ExternalIDs: ExternalID str, ExternalIDType static
Genders: Gender static
Households: HeadOfHousehold static, HouseholdID str
Images: Image str
Incomes: Income static
Interests: Interest static
Investments: InvestmentAmount num, InvestmentTopic static, CurrentlyInvested static
IPAddresses: IPAddress str, IPAddressCountry static, IPAddressRegion static, IPAddressCity static,
  IPAddressCounty static, IPAddressPostalCode str
Issues: Issue static, IssuePosition static
Knocks*: KnockOrganization static, KnockWhen datetime, KnockState static, KnockDayTrip str, KnockRoute str,
  KnockVolunteer static, KnockSurveySubmissionID str, KnockFormSubmissionID str, KnockSurvey poser
Languages: Language static
LegislationPositions: LegislationPositionDateTaken date, LegislationPosition static,
  LegislationPositionLegislation static, LegislationPositionLegislationStartYear str,
  LegislationPositionLegislationEndYear str, LegislationPositionLegislationDistrict static,
  LegislationPositionGovernmentBodies static[]
MaritalStatuses: MaritalStatus static
Meetings*: MeetingWhen datetime, MeetingOrganization static, MeetingParent parent, MeetingUser static,
  MeetingType static, MeetingPurpose static, MeetingLocation str, MeetingNotes str
Memberships: MemberOrganization static, MemberActive static, MemberTitle str, MemberJoined date, MemberLeft date,
  MemberLeader static, MemberDonor static
Names: FullName str, NameTitle str, FirstName str, MiddleName str, LastName str, NameSuffix str
NetWorths: NetWorth static
Notes: NoteWhen datetime, NoteAuthor static, Note str
Occupations: OccupationTitle str, OccupationEmployer str, OccupationEmployed static, OccupationIndustry static,
  OccupationStarted date, OccupationEnded date, OccupationSalary num
OneOnOnes*: OneOnOneOrganization static, OneOnOneWhen datetime, OneOnOneType static, OneOnOneUser static,
  OneOnOneRncRole static, OneOnOneHardAsk static, OneOnOneHardAskAnswer static,
  OneOnOnePreviousContactDatetime datetime, OneOnOneAnswerArray object, OneOnOneCollectionLead static
PageViews*: PageViewOrganization static, PageViewWhen datetime, PageViewPlatform static, PageViewImage str,
  PageViewURL str, PageViewPageTitle str, PageViewPageDescription str, PageViewPageTopics static[],
  PageViewUTMSources str[], PageViewUTMMediums str[], PageViewUTMContents str[], PageViewUTMCampaigns str[],
  PageViewUTMTerms str[]
PaymentCards: CardProcessor static, CardFunding static, CardLastFour str, CardExpiration str, CardIssuer static,
  CardFingerprint str
PhoneCalls*: PhoneCallOrganization static, PhoneCallWhen datetime, PhoneCallPhoneCalling str, PhoneCallNumber str,
  PhoneCallResult static, PhoneCallLength num, PhoneCallUser static, PhoneCallType static
PhoneNumbers: PhoneNumber str, PhoneType static, PhoneContact static, PhoneNumberCallUsable static,
  PhoneNumberTextUsable static
PhysicalAddresses: Address1 str, Address2 str, Address3 str, AddressCity static, AddressRegion static,
  AddressPostalCode str, AddressCounty static, AddressCountry static, AddressLatitude num, AddressLongitude num,
  AddressContact static, AddressUsable static
PoliticalOrientationScores: PoliticalOrientationScore num, PoliticalOrientationScoreLabel static
Religions: Religion static
SocialMediaAccounts: SocialMediaNetwork static, SocialMediaID str, SocialMediaNickname str, SocialMediaURL str
Students: Student static
Submissions*: SubmissionOrganization static, SubmissionWhen datetime, SubmissionForm poser,
  SubmissionFormType static, SubmissionFormSubTypes str[], SubmissionResponses list, SubmissionUser static
Texts*: TextWhen datetime, TextOrganization static, TextParent parent, TextUser static, TextContent str,
  PhoneNumberTextSentTo str, PhoneNumberTextSentFrom str, TextPhoneCarrier static, TextDelivered static,
  TextRead static, TextReplied static, TextReplyContent str, TextCampaign poser
Veterans: Veteran static
Votes: VotedWhen str, VotedElection static, VotedRegion static, Voted static, VotedEarly static,
  VotedAbsentee static, VotedPrimaryParty static
VoterRegistrations: Registered static, StateVoterID str, CountyVoterID str, VoterRegistrationDate date,
  VoterRegistrationParty static, VoterRegistrationRegion static, VoterRegistrationCounty static,
  VoterRegistrationVoterStatus static
VoterRegistrationInteractions*: VoterRegistrationInteractionOrganization static,
  VoterRegistrationInteractionWhen datetime, VoterRegistrationInteractionParty static,
  VoterRegistrationInteractionType static, VoterRegistrationInteractionPetitionType static,
  VoterRegistrationInteractionLocation str, VoterRegistrationInteractionLocationType static,
  VoterRegistrationInteractionTurnedIn static, VoterRegistrationInteractionLead static,
  VoterRegistrationInteractionNonStafferCollector static, VoterRegistrationInteractionRole static
"""

# The 32 district collections: one static field each, named in the singular (docs/vendors/crowdskout.md §1.2).
_DISTRICTS = {
    "DistrictCensusBlockGroups": "DistrictCensusBlockGroup",
    "DistrictCensusTracts": "DistrictCensusTract",
    "DistrictCities": "DistrictCity",
    "DistrictCitySubs": "DistrictCitySub",
    "DistrictCitywides": "DistrictCitywide",
    "DistrictCommunityColleges": "DistrictCommunityCollege",
    "DistrictCongressionals": "DistrictCongressional",
    "DistrictCountyCommissioners": "DistrictCountyCommissioner",
    "DistrictCountywides": "DistrictCountywide",
    "DistrictFires": "DistrictFire",
    "DistrictFloods": "DistrictFlood",
    "DistrictHighSchools": "DistrictHighSchool",
    "DistrictHospitals": "DistrictHospital",
    "DistrictJudicials": "DistrictJudicial",
    "DistrictLibraries": "DistrictLibrary",
    "DistrictNDMAs": "DistrictNDMA",
    "DistrictParks": "DistrictPark",
    "DistrictPrecincts": "DistrictPrecinct",
    "DistrictRoads": "DistrictRoad",
    "DistrictSanitations": "DistrictSanitation",
    "DistrictSchools": "DistrictSchool",
    "DistrictSewers": "DistrictSewer",
    "DistrictStateBoardsOfEducation": "StateBoardOfEducation",
    "DistrictStateLowers": "DistrictStateLower",
    "DistrictStateUppers": "DistrictStateUpper",
    "DistrictStatewides": "DistrictStatewide",
    "DistrictTownships": "DistrictTownship",
    "DistrictUtilities": "DistrictUtility",
    "DistrictVillages": "DistrictVillage",
    "DistrictWards": "DistrictWard",
    "DistrictWaters": "DistrictWater",
    "DistrictWatersheds": "DistrictWatershed",
}


@dataclass(frozen=True)
class Collection:
    name: str
    fields: dict[str, str]  # field -> value type, in reference order
    interaction: bool  # UUID item ids

    @property
    def prefix(self) -> str:
        """`Donation` for Donations: the prefix of the interaction fields (`DonationWhen`, ...)."""
        return next(iter(self.fields)).removesuffix("Organization").removesuffix("When")


def _parse() -> dict[str, Collection]:
    collections: dict[str, Collection] = {}
    text = _REFERENCE.replace("\n  ", " ")
    for line in filter(None, (line.strip() for line in text.splitlines())):
        head, _, rest = line.partition(":")
        interaction = head.endswith("*")
        name = head.rstrip("*")
        fields = dict(part.strip().split(" ", 1) for part in rest.split(","))
        collections[name] = Collection(name, fields, interaction)
    for name, field in _DISTRICTS.items():
        collections[name] = Collection(name, {field: "static"}, False)
    return dict(sorted(collections.items()))


COLLECTIONS: dict[str, Collection] = _parse()
# Spellings seen in the reference's own example (docs/vendors/crowdskout.md §1.2), accepted on input.
ALIASES = {"Independent Unsubscribes": "IndependentUnsubscribes"}
FIELD_ALIASES = {
    "AttributeID": "AttributeId",
    "EventRegistrationEventType": "EventRegistrationType",
    "VotedParty": "VotedPrimaryParty",
}
