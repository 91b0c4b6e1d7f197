"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by reference) over the
Common Asset Register, so QGIS, ArcGIS, GDAL and OWSLib read the register directly.

The API is a view of the register, not a copy: the items come from the same `AssetFilter` and
the same `Asset.objects.visible_to()` as the list page, and the properties are the open-data
columns of `assets.columns`.
"""
