"""The OpenAPI 3.0 definition of the OGC API (its `service-desc`), built from the same column
list and filter as the API itself, so the document cannot drift from what the server does."""

from assets.columns import BOOLEAN_COLUMNS, COLUMNS
from assets.filters import AssetFilter
from assets.ogcapi import views
from diz_portal.catalogue import LICENCE_NAME, LICENCE_URL

# assets.columns types, as JSON Schema. Anything not listed is a string.
_NUMBERS = {"latitude", "longitude", "height_m", "mounting_height_m"}
_INTEGERS = {
    "easting",
    "northing",
    "kerb_offset_mm",
    "duct_internal_diameter_mm",
    "duct_fill_percent",
}
_DATES = {
    "structural_assessed_on",
    "structural_next_due",
    "last_verified",
    "review_by",
}


def _property_schema(column):
    if column.name in BOOLEAN_COLUMNS:
        schema = {"type": "boolean"}
    elif column.name in _NUMBERS:
        schema = {"type": "number"}
    elif column.name in _INTEGERS:
        schema = {"type": "integer"}
    elif column.name in _DATES:
        schema = {"type": "string", "format": "date"}
    else:
        schema = {"type": "string"}
    if column.choices:
        schema["enum"] = [value for value, _ in column.choices]
    schema["description"] = column.meaning
    if not column.required:
        schema["nullable"] = True
    return schema


def _filter_parameters():
    """One query parameter per AssetFilter filter, with its choices where it has fixed ones."""
    parameters = {}
    for name, filter_ in AssetFilter.base_filters.items():
        schema = {"type": "string"}
        choices = filter_.extra.get("choices")
        if choices:
            schema["enum"] = [value for value, _ in choices]
            if name in ("power", "fibre"):
                schema["enum"] += ["true", "false", "1", "0"]
        if max_length := filter_.extra.get("max_length"):
            schema["maxLength"] = max_length
        description = str(filter_.label or name)
        if help_text := filter_.extra.get("help_text"):
            description += f": {help_text}"
        if name in ("district", "owner"):
            description += " (the slug, as in its page address)"
        parameters[name] = {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"The register's filter. {description}",
            "schema": schema,
            "style": "form",
            "explode": False,
        }
    return parameters


def _f_parameter():
    return {
        "name": "f",
        "in": "query",
        "required": False,
        "description": "The format of the answer; without it the Accept header decides.",
        "schema": {"type": "string", "enum": ["json", "html"]},
        "style": "form",
        "explode": False,
    }


def _crs_schema():
    return {"type": "string", "format": "uri", "enum": views.CRS_LIST}


def _json_and_html(schema_ref, json_type="application/json"):
    return {
        json_type: {"schema": {"$ref": schema_ref}},
        "text/html": {"schema": {"type": "string"}},
    }


def _response(description, schema_ref, json_type="application/json"):
    return {"description": description, "content": _json_and_html(schema_ref, json_type)}


ERRORS = {
    "400": {"$ref": "#/components/responses/InvalidParameter"},
}


def document(server_url):
    """The OpenAPI 3.0.3 document, its server at `server_url` (the landing page)."""
    filters = _filter_parameters()
    f = {"$ref": "#/components/parameters/f"}
    properties = {column.name: _property_schema(column) for column in COLUMNS}
    required = [column.name for column in COLUMNS if column.required]
    link = {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
        },
    }
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    components = {
        "parameters": {
            "f": _f_parameter(),
            "limit": {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "How many features a page holds. More than the maximum is "
                "served as the maximum.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": views.MAX_LIMIT,
                    "default": views.DEFAULT_LIMIT,
                },
                "style": "form",
                "explode": False,
            },
            "offset": {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": "How many matching features to skip (the next link sets it).",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
                "style": "form",
                "explode": False,
            },
            "bbox": {
                "name": "bbox",
                "in": "query",
                "required": False,
                "description": "Only features inside this box: min x, min y, max x, max y, in "
                "bbox-crs (longitude and latitude by default).",
                "schema": {
                    "type": "array",
                    "minItems": 4,
                    "maxItems": 6,
                    "items": {"type": "number"},
                },
                "style": "form",
                "explode": False,
            },
            "bbox-crs": {
                "name": "bbox-crs",
                "in": "query",
                "required": False,
                "description": "The coordinate reference system of bbox.",
                "schema": {**_crs_schema(), "default": views.CRS84},
                "style": "form",
                "explode": False,
            },
            "crs": {
                "name": "crs",
                "in": "query",
                "required": False,
                "description": "The coordinate reference system of the answer: CRS84 "
                "(longitude, latitude) or British National Grid (easting, northing in metres).",
                "schema": {**_crs_schema(), "default": views.CRS84},
                "style": "form",
                "explode": False,
            },
            "featureId": {
                "name": "featureId",
                "in": "path",
                "required": True,
                "description": "The asset's reference, e.g. HDC-LC-000123.",
                "schema": {"type": "string"},
            },
            **filters,
        },
        "schemas": {
            "link": link,
            "exception": {
                "type": "object",
                "required": ["code"],
                "properties": {
                    "code": {"type": "string"},
                    "description": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            },
            "landingPage": {
                "type": "object",
                "required": ["links"],
                "properties": {
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "links": links,
                },
            },
            "confClasses": {
                "type": "object",
                "required": ["conformsTo"],
                "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
            },
            "collection": {
                "type": "object",
                "required": ["id", "links"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "itemType": {"type": "string"},
                    "crs": {"type": "array", "items": {"type": "string"}},
                    "storageCrs": {"type": "string"},
                    "extent": {"type": "object"},
                    "links": links,
                },
            },
            "collections": {
                "type": "object",
                "required": ["links", "collections"],
                "properties": {
                    "links": links,
                    "collections": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/collection"},
                    },
                    "crs": {"type": "array", "items": {"type": "string"}},
                },
            },
            "assetProperties": {
                "type": "object",
                "required": required,
                "properties": properties,
            },
            "pointGeoJSON": {
                "type": "object",
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {"type": "array", "minItems": 2, "items": {"type": "number"}},
                },
            },
            "featureGeoJSON": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"$ref": "#/components/schemas/pointGeoJSON"},
                    "properties": {"$ref": "#/components/schemas/assetProperties"},
                    "links": links,
                },
            },
            "featureCollectionGeoJSON": {
                "type": "object",
                "required": ["type", "features"],
                "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/featureGeoJSON"},
                    },
                    "links": links,
                    "timeStamp": {"type": "string", "format": "date-time"},
                    "numberMatched": {"type": "integer", "minimum": 0},
                    "numberReturned": {"type": "integer", "minimum": 0},
                },
            },
        },
        "responses": {
            "InvalidParameter": {
                "description": "A parameter is not valid; `parameter` names it.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/exception"}}
                },
            },
            "NotFound": {
                "description": "There is no such feature (or you may not see it).",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/exception"}}
                },
            },
        },
    }
    content_crs = {
        "Content-Crs": {
            "description": "The coordinate reference system of the geometries, in angle brackets.",
            "schema": {"type": "string"},
        }
    }
    items_parameters = [
        f,
        {"$ref": "#/components/parameters/limit"},
        {"$ref": "#/components/parameters/offset"},
        {"$ref": "#/components/parameters/bbox"},
        {"$ref": "#/components/parameters/bbox-crs"},
        {"$ref": "#/components/parameters/crs"},
        *({"$ref": f"#/components/parameters/{name}"} for name in filters),
    ]
    collection_path = f"/collections/{views.COLLECTION_ID}"
    paths = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "tags": ["Capabilities"],
                "parameters": [f],
                "responses": {
                    "200": _response(
                        "Links to the API's resources", "#/components/schemas/landingPage"
                    ),
                    **ERRORS,
                },
            }
        },
        "/conformance": {
            "get": {
                "summary": "The conformance classes this API implements",
                "operationId": "getConformance",
                "tags": ["Capabilities"],
                "parameters": [f],
                "responses": {
                    "200": _response("Conformance classes", "#/components/schemas/confClasses"),
                    **ERRORS,
                },
            }
        },
        "/api": {
            "get": {
                "summary": "This document",
                "operationId": "getApi",
                "tags": ["Capabilities"],
                "parameters": [f],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.0 definition",
                        "content": {views.OPENAPI: {"schema": {"type": "object"}}},
                    },
                    **ERRORS,
                },
            }
        },
        "/collections": {
            "get": {
                "summary": "The feature collections",
                "operationId": "getCollections",
                "tags": ["Capabilities"],
                "parameters": [f],
                "responses": {
                    "200": _response("The collections", "#/components/schemas/collections"),
                    **ERRORS,
                },
            }
        },
        collection_path: {
            "get": {
                "summary": "The asset register collection: extent and coordinate systems",
                "operationId": "describeAssetsCollection",
                "tags": ["Capabilities"],
                "parameters": [f],
                "responses": {
                    "200": _response("The collection", "#/components/schemas/collection"),
                    **ERRORS,
                },
            }
        },
        f"{collection_path}/items": {
            "get": {
                "summary": "Assets, filtered and a page at a time",
                "description": "Anonymous clients see public assets only.",
                "operationId": "getAssetFeatures",
                "tags": ["Data"],
                "parameters": items_parameters,
                "responses": {
                    "200": {
                        "description": "A page of assets; the next link fetches the next page.",
                        "headers": content_crs,
                        "content": _json_and_html(
                            "#/components/schemas/featureCollectionGeoJSON", views.GEOJSON
                        ),
                    },
                    **ERRORS,
                },
            }
        },
        f"{collection_path}/items/{{featureId}}": {
            "get": {
                "summary": "One asset",
                "operationId": "getAssetFeature",
                "tags": ["Data"],
                "parameters": [
                    {"$ref": "#/components/parameters/featureId"},
                    f,
                    {"$ref": "#/components/parameters/crs"},
                ],
                "responses": {
                    "200": {
                        "description": "The asset",
                        "headers": content_crs,
                        "content": _json_and_html(
                            "#/components/schemas/featureGeoJSON", views.GEOJSON
                        ),
                    },
                    "404": {"$ref": "#/components/responses/NotFound"},
                    **ERRORS,
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": views.TITLE,
            "description": views.DESCRIPTION,
            "version": "1.0.0",
            "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [
            {"name": "Capabilities", "description": "What the API offers"},
            {"name": "Data", "description": "The assets"},
        ],
        "paths": paths,
        "components": components,
    }
