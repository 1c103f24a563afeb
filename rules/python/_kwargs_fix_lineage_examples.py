"""unvalidated-kwargs: examples of its fix drawn from real projects (taiga's mixins,
pontoon's annotated Django fields, CTFd's backrefs and properties), run by the shared
harness like `_kwargs_fix_examples`."""

from __future__ import annotations

from auditor.plugins import Invalid

DJANGO = "Django>=5.0\n"

FIX_LINEAGE_INVALID = (
    # A model's mixin imported from another module of the project (taiga's `Epic` takes
    # `is_blocked` from `BlockedMixin`): its fields are allowed too.
    Invalid(
        """
        from shop.models import Epic


        def epics_from_bulk(lines, **fields):
            return [Epic(subject=line, **fields) for line in lines]
        """,
        path="shop/services.py",
        files={
            "requirements.txt": DJANGO,
            "shop/__init__.py": "",
            "shop/mixins.py": """
            from django.db import models


            class BlockedMixin(models.Model):
                is_blocked = models.BooleanField(default=False)
                blocked_note = models.TextField(blank=True)

                class Meta:
                    abstract = True
            """,
            "shop/models.py": """
            from django.db import models

            from shop.mixins import BlockedMixin


            class Epic(BlockedMixin, models.Model):
                subject = models.CharField(max_length=100)
                color = models.CharField(max_length=7, default="#999")
            """,
        },
        fixed="""
        from shop.models import Epic


        def epics_from_bulk(lines, **fields):
            unexpected = set(fields) - {"blocked_note", "color", "is_blocked"}
            if unexpected:
                raise TypeError(f"epics_from_bulk() got unexpected keyword arguments: {sorted(unexpected)}")
            return [Epic(subject=line, **fields) for line in lines]
        """,
    ),
    # A base from another package (django-model-utils' `TimeStampedModel` adds `created`
    # and `modified`): its fields cannot be read, so no check is written that would
    # refuse them.
    Invalid(
        """
        from django.db import models
        from model_utils.models import TimeStampedModel


        class Booking(TimeStampedModel):
            room = models.CharField(max_length=20)


        def book(**fields):
            return Booking.objects.create(**fields)
        """,
        path="shop/models.py",
        files={"requirements.txt": DJANGO},
        fixed=None,
    ),
    # Django fields annotated for the type checker (pontoon's `Entity`): the call says
    # what the field is; an annotation alone (`resource_id: int`, a reverse relation) or
    # a class constant is no field. The app supports Python 3.9: `typing.Optional`.
    Invalid(
        """
        from django.db import models


        class Resource(models.Model):
            path = models.TextField()


        class Entity(models.Model):
            resource: models.ForeignKey[Resource] = models.ForeignKey(Resource, models.CASCADE)
            resource_id: int
            string = models.TextField()
            order = models.PositiveIntegerField(null=True)
            kind: str = "entity"
            translation_set: models.QuerySet[Resource]


        def as_entity(string, **kwargs):
            return Entity(string=string, **kwargs)
        """,
        path="shop/models.py",
        files={
            "pyproject.toml": """
            [project]
            name = "shop"
            requires-python = ">=3.9"
            dependencies = ["django>=4.2", "pydantic>=2"]
            """,
        },
        fixed="""
        import typing

        import pydantic
        from django.db import models


        class Resource(models.Model):
            path = models.TextField()


        class Entity(models.Model):
            resource: models.ForeignKey[Resource] = models.ForeignKey(Resource, models.CASCADE)
            resource_id: int
            string = models.TextField()
            order = models.PositiveIntegerField(null=True)
            kind: str = "entity"
            translation_set: models.QuerySet[Resource]


        class EntityCreate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            resource: typing.Any = None
            resource_id: typing.Any = None
            order: typing.Optional[int] = None


        def as_entity(string, **kwargs):
            kwargs = EntityCreate.model_validate(kwargs).model_dump(exclude_unset=True)
            return Entity(string=string, **kwargs)
        """,
    ),
    # What SQLAlchemy's constructor accepts besides columns (CTFd's `Tags`): a backref
    # another model declares, a property with a setter. A column named like a pydantic
    # method (`json`) gets an alias, and the schema dumps by alias.
    Invalid(
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, relationship


        class Base(DeclarativeBase):
            pass


        class Challenge(Base):
            __tablename__ = "challenges"

            id = sa.Column(sa.Integer, primary_key=True)
            tags = relationship("Tag", backref="challenge")


        class Tag(Base):
            __tablename__ = "tags"

            id = sa.Column(sa.Integer, primary_key=True)
            challenge_id = sa.Column(sa.ForeignKey("challenges.id"))
            json = sa.Column(sa.JSON)
            _value = sa.Column("value", sa.String(80))

            @property
            def value(self):
                return self._value

            @value.setter
            def value(self, value):
                self._value = value


        def gen_tag(session, **kwargs):
            tag = Tag(**kwargs)
            session.add(tag)
            return tag
        """,
        path="shop/tags.py",
        files={
            "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["pydantic>=2"]\n',
        },
        fixed="""
        import typing

        import pydantic
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, relationship


        class Base(DeclarativeBase):
            pass


        class Challenge(Base):
            __tablename__ = "challenges"

            id = sa.Column(sa.Integer, primary_key=True)
            tags = relationship("Tag", backref="challenge")


        class Tag(Base):
            __tablename__ = "tags"

            id = sa.Column(sa.Integer, primary_key=True)
            challenge_id = sa.Column(sa.ForeignKey("challenges.id"))
            json = sa.Column(sa.JSON)
            _value = sa.Column("value", sa.String(80))

            @property
            def value(self):
                return self._value

            @value.setter
            def value(self, value):
                self._value = value


        class TagCreate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            challenge_id: typing.Any = None
            json_: typing.Any = pydantic.Field(default=None, alias="json")
            value: typing.Any = None
            challenge: typing.Any = None


        def gen_tag(session, **kwargs):
            kwargs = TagCreate.model_validate(kwargs).model_dump(by_alias=True, exclude_unset=True)
            tag = Tag(**kwargs)
            session.add(tag)
            return tag
        """,
    ),
)
