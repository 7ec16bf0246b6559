"""SQLModel tables of the Crowdskout v1 emulator."""

from sqlmodel import Field

from crowdmock.core.db import TableModel, json_field


class OAuthClient(TableModel, table=True):
    __tablename__ = "crowdskout_oauth_client"
    id: str = Field(primary_key=True)
    secret: str
    name: str = ""
    # Exact URIs, or `scheme://host:*` patterns that allow any port.
    redirect_uris: list | None = json_field()


class User(TableModel, table=True):
    __tablename__ = "crowdskout_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True)
    password_hash: str
    name: str = ""
    organization_id: int = 2
    client_id: int = 3
    source_id: int = 1


class AuthCode(TableModel, table=True):
    __tablename__ = "crowdskout_auth_code"
    code: str = Field(primary_key=True)
    client_id: str
    redirect_uri: str
    user_id: int
    expires_at: float
    used: bool = False


class StaticToken(TableModel, table=True):
    """Documented opaque tokens that stay valid (the reference's `abcd1234`)."""

    __tablename__ = "crowdskout_static_token"
    token: str = Field(primary_key=True)
    user_id: int


class Profile(TableModel, table=True):
    __tablename__ = "crowdskout_profile"
    id: int | None = Field(default=None, primary_key=True)
    # collection name -> list of items, each item {"id": ..., field: value, ...}
    collections: dict | None = json_field()


class ItemCounter(TableModel, table=True):
    """The last numeric item id given out per collection."""

    __tablename__ = "crowdskout_item_counter"
    collection: str = Field(primary_key=True)
    last_id: int = 0


# An attribute's `type`; the choice types keep a list of `{id, value}` options.
ATTRIBUTE_TYPES = ("Radio", "Checkbox", "Text", "Number", "Tag", "Date", "Datetime")
CHOICE_TYPES = ("Radio", "Checkbox")


class Attribute(TableModel, table=True):
    __tablename__ = "crowdskout_attribute"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    type: str
    locked: bool = False
    options: list | None = json_field()


class FieldOption(TableModel, table=True):
    """A static value a field can take ({id, value}), optionally under a parent field's value."""

    __tablename__ = "crowdskout_field_option"
    pk: int | None = Field(default=None, primary_key=True)
    field: str = Field(index=True)
    option_id: str  # kept as text: ids are numbers or slugs such as "yes"
    value: str
    dependency_field: str | None = None
    dependency_id: str | None = None


class Scroll(TableModel, table=True):
    __tablename__ = "crowdskout_scroll"
    id: str = Field(primary_key=True)
    query: str
    offset: int = 0
    last_used: float = 0
