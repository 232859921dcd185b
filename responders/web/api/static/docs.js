// Starts Swagger UI on /api/docs. A file, not an inline script: the pages' CSP allows only 'self'.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapi,
    dom_id: "#swagger-ui",
    validatorUrl: null, // no call to an outside validator
    deepLinking: true,
  });
});
