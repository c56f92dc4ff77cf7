"""The versioned JSON API (/api/v1): one flask-smorest Api, blueprints registered by each part."""
