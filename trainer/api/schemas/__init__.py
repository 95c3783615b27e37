"""The shapes of the API's requests and answers (marshmallow schemas, from which the OpenAPI document's
schemas are generated). Validation rules stay in the services; these only say what is sent and received."""
