// /api/schema/ui/: Swagger UI on this Gatehouse's own OpenAPI document. No outside validator badge
// (the page's CSP allows this origin only), deep links to each operation as drf-spectacular has them.
window.ui = SwaggerUIBundle({
    url: "/api/schema/",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
});
