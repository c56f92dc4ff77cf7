"""Places: community → grid (网格) → building (幢, in a compound 小区) → unit and room."""
