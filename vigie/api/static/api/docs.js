// Starts Swagger UI on Vigie's schema. A file of its own, so that the page needs no inline script (CSP).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    // The API never uses the browser's session: every call carries the token typed in "Authorize".
    withCredentials: false,
    requestInterceptor: function (request) { request.credentials = "omit"; return request; }
  });
})();
