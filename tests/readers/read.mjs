// Reads each vCard or iCalendar file named on the command line with ical.js, touching every
// property's value so that its value type is parsed too, and prints one JSON line per file:
// {"file": ..., "components": n, "properties": n} or {"file": ..., "error": "..."}.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function walk(component, counts) {
  counts.components += 1;
  for (const property of component.getAllProperties()) {
    property.getValues();
    counts.properties += 1;
  }
  for (const child of component.getAllSubcomponents()) walk(child, counts);
}

for (const file of process.argv.slice(2)) {
  try {
    const parsed = ICAL.parse(readFileSync(file, "utf8"));
    const roots = Array.isArray(parsed[0]) ? parsed : [parsed];
    const counts = { components: 0, properties: 0 };
    for (const root of roots) walk(new ICAL.Component(root), counts);
    console.log(JSON.stringify({ file, ...counts }));
  } catch (error) {
    console.log(JSON.stringify({ file, error: String(error && error.message || error) }));
  }
}
