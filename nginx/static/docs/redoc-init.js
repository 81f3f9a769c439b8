// /api/schema/redoc/: ReDoc on this Gatehouse's own OpenAPI document, without ReDoc's usage telemetry
// (nothing leaves for another origin; the page's CSP would refuse it anyway).
import { init } from "/static/gatehouse/vendor/redoc-3.0.1/redoc.standalone.js";

init("/api/schema/", { disableTelemetry: true }, document.getElementById("redoc"));
