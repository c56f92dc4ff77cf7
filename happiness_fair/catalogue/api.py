"""Volunteers and the catalogue over JSON (API.md "Volunteers and the catalogue")."""

from __future__ import annotations

from flask_babel import get_locale
from flask_login import current_user

from ..accounts.models import User
from ..api.base import ApiBlueprint, list_schema, login_required, page_schema, paged
from . import record, service
from .schemas import (
    CatalogueArgs,
    CategorySchema,
    ListingPatchSchema,
    ListingSchema,
    ListingWithdrawSchema,
    NewListingSchema,
    VettingNoteSchema,
    VettingReasonSchema,
    VolunteerApplicationSchema,
    VolunteerListArgs,
    VolunteerPatchSchema,
    VolunteerRecordSchema,
    VolunteerSchema,
    VolunteerTagsSchema,
)

blp = ApiBlueprint(
    "catalogue_api", __name__, description="Volunteers, their vetting, and the public catalogue"
)


def _viewer() -> User | None:
    """The signed-in user, or None for an anonymous reader of the public catalogue."""
    return current_user._get_current_object() if current_user.is_authenticated else None


@blp.get("/categories")
@blp.response(200, list_schema(CategorySchema, "CategoryList"))
def categories():
    """The shared categories, named in the request's language."""
    chinese = get_locale().language == "zh"
    return {
        "items": [
            {"id": c.id, "code": c.code, "name": c.name_zh if chinese else c.name_en}
            for c in service.categories()
        ]
    }


@blp.post("/me/volunteer")
@blp.arguments(VolunteerApplicationSchema)
@blp.response(201, VolunteerSchema)
@blp.errors(400, 401, 409, 422)
@login_required
def apply(data):
    """Apply to volunteer: skills and grids served; the office then vets the application."""
    return service.apply(_viewer(), data)


@blp.get("/me/volunteer")
@blp.response(200, VolunteerSchema)
@blp.errors(401, 404)
@login_required
def my_volunteer():
    """My volunteer record, with the office's decision."""
    return service.own_volunteer(_viewer())


@blp.patch("/me/volunteer")
@blp.arguments(VolunteerPatchSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 404, 422)
@login_required
def update_my_volunteer(data):
    """Change my bio, skills, grids, or whether my full name is shown."""
    return service.update_own(_viewer(), data)


@blp.get("/volunteers")
@blp.arguments(VolunteerListArgs, location="query")
@blp.response(200, page_schema(VolunteerSchema, "VolunteerPage"))
@blp.errors(401, 403, 422)
@login_required
def community_volunteers(args):
    """Staff: the community's volunteers (grid workers see approved ones only), searchable by
    part of the name (`q`) and by skill (`category`, a code or id). 403: not staff; 422: an
    unknown category."""
    items, total = service.community_volunteers(
        _viewer(),
        status=args.get("status"),
        grid_id=args.get("grid_id"),
        q=args.get("q"),
        category=args.get("category"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return paged(items, total, args)


@blp.get("/me/volunteer/record")
@blp.response(200, VolunteerRecordSchema)
@blp.errors(401, 403)
@blp.doc(operationId="getMyVolunteerRecord")
@login_required
def my_volunteer_record():
    """(A volunteer) his personal record (order 67 art. 5), the ID number masked. 403: not a
    volunteer."""
    return record.own_record(_viewer())


@blp.patch("/me/volunteer/record")
@blp.arguments(VolunteerRecordSchema)
@blp.response(200, VolunteerRecordSchema)
@blp.errors(400, 401, 403, 422)
@blp.doc(operationId="updateMyVolunteerRecord")
@login_required
def update_my_volunteer_record(data):
    """(A volunteer) fill in or change his record; the ID number is optional, stored encrypted
    and answered masked; an empty one removes it. 403: not a volunteer; 422: invalid fields."""
    return record.update_own(_viewer(), data)


@blp.get("/volunteers/<int:volunteer_id>/record")
@blp.response(200, VolunteerRecordSchema)
@blp.errors(401, 403, 404)
@blp.doc(operationId="getVolunteerRecord")
@login_required
def volunteer_record(volunteer_id):
    """(Office) a volunteer's personal record, the ID number masked. 403: not the office; 404:
    another community's volunteer."""
    return record.record_for_office(_viewer(), volunteer_id)


@blp.get("/volunteers/<int:volunteer_id>")
@blp.response(200, VolunteerSchema)
@blp.errors(404)
def get_volunteer(volunteer_id):
    """A volunteer's public profile; an unapproved one only to himself and his office."""
    return service.visible_volunteer(_viewer(), volunteer_id)


@blp.patch("/volunteers/<int:volunteer_id>")
@blp.arguments(VolunteerTagsSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def tag_volunteer(data, volunteer_id):
    """Office: replace his tags (在职党员, his volunteer team)."""
    volunteer = service.vettable_volunteer(_viewer(), volunteer_id)
    return service.set_tags(_viewer(), volunteer, data["tags"])


@blp.post("/volunteers/<int:volunteer_id>/approve")
@blp.arguments(VettingNoteSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def approve(data, volunteer_id):
    """Office: approve an application, or reinstate a suspended or refused volunteer."""
    volunteer = service.vettable_volunteer(_viewer(), volunteer_id)
    return service.approve(_viewer(), volunteer, data["reason"])


@blp.post("/volunteers/<int:volunteer_id>/refuse")
@blp.arguments(VettingReasonSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def refuse(data, volunteer_id):
    """Office: refuse a pending application, saying why."""
    volunteer = service.vettable_volunteer(_viewer(), volunteer_id)
    return service.refuse(_viewer(), volunteer, data["reason"])


@blp.post("/volunteers/<int:volunteer_id>/suspend")
@blp.arguments(VettingReasonSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def suspend(data, volunteer_id):
    """Office: suspend an approved volunteer, saying why; his open jobs go back to open requests."""
    volunteer = service.vettable_volunteer(_viewer(), volunteer_id)
    return service.suspend(_viewer(), volunteer, data["reason"])


@blp.get("/listings")
@blp.arguments(CatalogueArgs, location="query")
@blp.response(200, page_schema(ListingSchema, "ListingPage"))
@blp.errors(422)
def catalogue(args):
    """The public catalogue; a signed-in caller sees his own community unless he names another."""
    items, total = service.catalogue(
        _viewer(),
        community_id=args.get("community_id"),
        category=args.get("category"),
        mode=args.get("mode"),
        grid_id=args.get("grid_id"),
        q=args.get("q"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return paged(items, total, args)


@blp.post("/listings")
@blp.arguments(NewListingSchema)
@blp.response(201, ListingSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def create_listing(data):
    """An approved volunteer publishes a service in one of his skills."""
    return service.create_listing(_viewer(), data)


@blp.get("/listings/<int:listing_id>")
@blp.response(200, ListingSchema)
@blp.errors(404)
def get_listing(listing_id):
    """A listing; a withdrawn one only to its volunteer and his office."""
    return service.visible_listing(_viewer(), listing_id)


@blp.patch("/listings/<int:listing_id>")
@blp.arguments(ListingPatchSchema)
@blp.response(200, ListingSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def update_listing(data, listing_id):
    """Its volunteer changes it, or reopens it with `active: true`."""
    listing = service.visible_listing(_viewer(), listing_id)
    return service.update_listing(_viewer(), listing, data)


@blp.post("/listings/<int:listing_id>/withdraw")
@blp.arguments(ListingWithdrawSchema)
@blp.response(200, ListingSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="withdrawListing")
@login_required
def withdraw_listing_by_office(data, listing_id):
    """(Office) take a listing out of the catalogue with a reason its volunteer is told; its
    requested bookings become open requests. 403: not its community's office; 404: not to be
    seen; 409: already withdrawn; 422: no reason."""
    listing = service.visible_listing(_viewer(), listing_id)
    return service.withdraw_listing_by_office(_viewer(), listing, data["reason"])


@blp.delete("/listings/<int:listing_id>")
@blp.response(204)
@blp.errors(401, 403, 404)
@login_required
def withdraw_listing(listing_id):
    """Take a listing out of the catalogue (it is kept, inactive, for past bookings)."""
    listing = service.visible_listing(_viewer(), listing_id)
    service.withdraw_listing(_viewer(), listing)
