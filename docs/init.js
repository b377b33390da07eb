// SPDX-License-Identifier: Apache-2.0
// The /docs page: Swagger UI on the live document of the same server.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // Offline and private: never ask an outside validator about the document.
  validatorUrl: null,
});
