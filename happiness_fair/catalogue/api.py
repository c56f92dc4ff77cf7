"""Volunteers and the catalogue over JSON (API.md "Volunteers and the catalogue")."""

from __future__ import annotations

from flask_babel import get_locale

from .. import versions
from ..accounts.security import me
from ..api import examples
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


@blp.get("/categories")
@blp.doc(operationId="listCategories")
@blp.response(200, list_schema(CategorySchema, "CategoryList"))
def categories():
    """The shared service categories, named in the request's language (public).

    Who: anyone. Codes: `plumbing`, `appliance`, `locks`, `knives`, `haircut`, `mending`,
    `shoes_umbrellas`, `watches_glasses`, `digital`, `other`."""
    chinese = get_locale().language == "zh"
    return {
        "items": [
            {"id": c.id, "code": c.code, "name": c.name_zh if chinese else c.name_en}
            for c in service.categories()
        ]
    }


@blp.post("/me/volunteer")
@blp.doc(operationId="applyToVolunteer")
@blp.arguments(VolunteerApplicationSchema)
@blp.response(201, VolunteerSchema)
@blp.errors(400, 401, 409, 422)
@login_required
def apply(data):
    """Apply to volunteer: bio, skills and grids served.

    Who: any signed-in caller who has not applied yet. The record starts `pending`; the office then
    vets it (`approveVolunteer`).

    - 409: the caller has already applied.
    - 422: a field is invalid (an unknown category, a grid outside the caller's community)."""
    return service.apply(me(), data)


@blp.get("/me/volunteer")
@blp.doc(operationId="getMyVolunteer")
@blp.response(200, VolunteerSchema)
@blp.errors(401, 404)
@login_required
def my_volunteer():
    """My volunteer record, with the office's decision.

    Who: any signed-in caller.

    - 404: the caller has not applied to volunteer."""
    return service.own_volunteer(me())


@blp.patch("/me/volunteer")
@blp.doc(operationId="updateMyVolunteer")
@blp.arguments(VolunteerPatchSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 404, 422)
@login_required
def update_my_volunteer(data):
    """Change my bio, skills, grids, or whether my full name is shown.

    Who: a volunteer (any status), about himself. Once approved (or suspended), skills and
    grids he adds wait in `pending_category_ids`/`pending_grid_ids` until the office approves
    them (`approveVolunteer`); he keeps his approved ones meanwhile. Those he drops go at once.

    - 404: the caller has not applied to volunteer.
    - 422: a field is invalid (an unknown category or grid)."""
    return service.update_own(me(), data)


@blp.get("/volunteers")
@blp.doc(operationId="listVolunteers")
@blp.arguments(VolunteerListArgs, location="query")
@blp.response(200, page_schema(VolunteerSchema, "VolunteerPage"))
@blp.errors(401, 403, 422)
@login_required
def community_volunteers(args):
    """The community's volunteers, for finding whom to hand a request to (staff).

    Who: the office (every status) and grid workers (approved ones only). Searchable by part of
    the name (`q`) and by skill (`category`, a code or id).

    - 403: the caller is not staff.
    - 422: a query argument is invalid, or the category is unknown."""
    items, total = service.community_volunteers(
        me(),
        status=args.get("status"),
        grid_id=args.get("grid_id"),
        q=args.get("q"),
        category=args.get("category"),
        page=args["page"],
        per_page=args["per_page"],
    )
    service.load_team_ids(items)
    return paged(items, total, args)


@blp.get("/me/volunteer/record")
@blp.response(200, VolunteerRecordSchema)
@blp.errors(401, 403)
@blp.doc(operationId="getMyVolunteerRecord")
@login_required
def my_volunteer_record():
    """My personal record as a volunteer (order 67 art. 5), the ID number masked.

    Who: a volunteer (of any status), for himself.

    - 403: the caller is not a volunteer."""
    return record.own_record(me())


@blp.patch("/me/volunteer/record")
@blp.arguments(VolunteerRecordSchema)
@blp.response(200, VolunteerRecordSchema)
@blp.errors(400, 401, 403, 422)
@blp.doc(operationId="updateMyVolunteerRecord")
@login_required
def update_my_volunteer_record(data):
    """Fill in or change my personal record as a volunteer (order 67 art. 5).

    Who: a volunteer (of any status), for himself. The ID number is optional (with his consent),
    stored encrypted and answered masked; an empty one removes it.

    - 403: the caller is not a volunteer.
    - 422: a field is invalid (a gender other than male or female, an ID number that is not 6 to
      20 letters or digits, an area or contact over 100 characters)."""
    return record.update_own(me(), data)


@blp.get("/volunteers/<int:volunteer_id>/record")
@blp.response(200, VolunteerRecordSchema)
@blp.errors(401, 403, 404)
@blp.doc(operationId="getVolunteerRecord")
@login_required
def volunteer_record(volunteer_id):
    """A volunteer's personal record (order 67 art. 5), the ID number masked.

    Who: the office of the volunteer's community.

    - 403: the caller is not the office.
    - 404: no such volunteer, or another community's."""
    return record.record_for_office(me(), volunteer_id)


@blp.get("/volunteers/<int:volunteer_id>")
@blp.doc(operationId="getVolunteer")
@blp.response(200, VolunteerSchema)
@blp.errors(404)
def get_volunteer(volunteer_id):
    """A volunteer: the public card to anyone, the whole record to himself and staff.

    Who: anyone; an unapproved volunteer only to himself and his community's office.

    - 404: no such volunteer, or one not approved that the caller may not see."""
    return service.visible_volunteer(me(), volunteer_id)


@blp.patch("/volunteers/<int:volunteer_id>")
@blp.doc(operationId="tagVolunteer")
@blp.arguments(VolunteerTagsSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def tag_volunteer(data, volunteer_id):
    """Replace a volunteer's tags (在职党员, his volunteer team).

    Who: the office of his community; another member for his own record.

    - 403: the caller is not the office, or it is his own record.
    - 404: no such volunteer in the caller's community.
    - 422: a tag is empty or too long."""
    volunteer = service.vettable_volunteer(me(), volunteer_id)
    return service.set_tags(me(), volunteer, data["tags"])


@blp.post("/volunteers/<int:volunteer_id>/approve")
@blp.doc(operationId="approveVolunteer")
@blp.arguments(VettingNoteSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def approve(data, volunteer_id):
    """Approve an application, or reinstate a suspended or refused volunteer; for an approved
    volunteer, approve the skills and grids he asked to add (`pending_category_ids`,
    `pending_grid_ids`).

    Who: the office of his community; another member for his own application.

    - 403: the caller is not the office, or it is his own application.
    - 404: no such volunteer in the caller's community.
    - 409: he is already approved and asked to add nothing.
    - 422: the note is too long."""
    volunteer = service.vettable_volunteer(me(), volunteer_id)
    return service.approve(me(), volunteer, data["reason"])


@blp.post("/volunteers/<int:volunteer_id>/refuse")
@blp.doc(operationId="refuseVolunteer")
@blp.arguments(VettingReasonSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def refuse(data, volunteer_id):
    """Refuse a pending application, or the skills and grids an approved volunteer asked to add
    (he stays approved with the ones he had), saying why.

    Who: the office of his community; another member for his own record.

    - 403: the caller is not the office, or it is his own record.
    - 404: no such volunteer in the caller's community.
    - 409: the application is not pending and he asked to add nothing.
    - 422: no reason given."""
    volunteer = service.vettable_volunteer(me(), volunteer_id)
    return service.refuse(me(), volunteer, data["reason"])


@blp.post("/volunteers/<int:volunteer_id>/suspend")
@blp.doc(operationId="suspendVolunteer")
@blp.arguments(VettingReasonSchema)
@blp.response(200, VolunteerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def suspend(data, volunteer_id):
    """Suspend an approved volunteer, saying why.

    Who: the office of his community; another member for his own record. His open jobs go back
    to open requests.

    - 403: the caller is not the office, or it is his own record.
    - 404: no such volunteer in the caller's community.
    - 409: he is not approved.
    - 422: no reason given."""
    volunteer = service.vettable_volunteer(me(), volunteer_id)
    return service.suspend(me(), volunteer, data["reason"])


@blp.get("/listings")
@blp.doc(operationId="searchListings")
@versions.conditional_get(versions.CATALOGUE)
@blp.arguments(CatalogueArgs, location="query")
@blp.response(200, page_schema(ListingSchema, "ListingPage"), example=examples.LISTINGS)
@blp.errors(422)
def catalogue(args):
    """Search the catalogue of services (public).

    Who: anyone. A signed-in caller sees his own community unless `community_id` names another;
    filter by `category` (code or id), `mode`, `grid_id` and words in `q`.

    - 422: a query argument is invalid (an unknown category, no community for an anonymous
      caller).

    Anonymous answers carry an `ETag` (`Cache-Control: no-cache`): send it back in
    `If-None-Match` and the answer is 304 while nothing it shows has changed."""
    items, total = service.catalogue(
        me(),
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
@blp.doc(operationId="createListing")
@blp.arguments(NewListingSchema)
@blp.response(201, ListingSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def create_listing(data):
    """Publish a service in one of my skills.

    Who: an approved volunteer.

    - 403: the caller is not an approved volunteer.
    - 422: a field is invalid (a category that is not his skill, a fee or duration out of
      range)."""
    return service.create_listing(me(), data)


@blp.get("/listings/<int:listing_id>")
@blp.doc(operationId="getListing")
@versions.conditional_get(versions.CATALOGUE)
@blp.response(200, ListingSchema)
@blp.errors(404)
def get_listing(listing_id):
    """One listing (public).

    Who: anyone; a withdrawn listing only to its volunteer and his office.

    - 404: no such listing, or a withdrawn one the caller may not see."""
    return service.visible_listing(me(), listing_id)


@blp.patch("/listings/<int:listing_id>")
@blp.doc(operationId="updateListing")
@blp.arguments(ListingPatchSchema)
@blp.response(200, ListingSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def update_listing(data, listing_id):
    """Change a listing, or reopen it with `active: true`.

    Who: its approved volunteer.

    - 403: the caller is not its approved volunteer.
    - 404: no such listing, or a withdrawn one the caller may not see.
    - 422: a field is invalid."""
    listing = service.visible_listing(me(), listing_id)
    return service.update_listing(me(), listing, data)


@blp.post("/listings/<int:listing_id>/withdraw")
@blp.arguments(ListingWithdrawSchema)
@blp.response(200, ListingSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="withdrawListingByOffice")
@login_required
def withdraw_listing_by_office(data, listing_id):
    """Take a listing out of the catalogue, with a reason its volunteer is told.

    Who: the office of its community. Its requested bookings become open requests.

    - 403: the caller is not its community's office.
    - 404: no such listing, or the caller may not see it.
    - 409: it is already withdrawn.
    - 422: no reason given."""
    listing = service.visible_listing(me(), listing_id)
    return service.withdraw_listing_by_office(me(), listing, data["reason"])


@blp.delete("/listings/<int:listing_id>")
@blp.doc(operationId="withdrawListing")
@blp.response(204)
@blp.errors(401, 403, 404)
@login_required
def withdraw_listing(listing_id):
    """Take a listing out of the catalogue (kept, inactive, for past bookings).

    Who: its volunteer, or the office of its community.

    - 403: the caller is neither.
    - 404: no such listing, or a withdrawn one the caller may not see."""
    listing = service.visible_listing(me(), listing_id)
    service.withdraw_listing(me(), listing)
