// Validates Kubernetes objects (multi-document YAML on stdin, e.g. `kubectl kustomize k8s/overlays/cpu`)
// against the Kubernetes API schemas shipped in the npm package kubernetes-models (types, required
// fields, enums, formats). Prints one line per object; exits 1 if any object is invalid or of an unknown kind.
// Install once: npm ci --prefix tools/k8s-validate
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const text = readFileSync(0, "utf8");
let objects = 0;
let invalid = 0;
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    console.error(`YAML error: ${document.errors.map(e => e.message).join("; ")}`);
    invalid++;
    continue;
  }
  const object = document.toJS();
  if (!object) {
    continue;
  }
  objects++;
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name ?? "(no name)"}`;
  const [group, version] = String(object.apiVersion).includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  const modulePath = `kubernetes-models/${group ? group + "/" : ""}${version}/${object.kind}`;
  let Model;
  try {
    const module = await import(modulePath);
    Model = module[object.kind] ?? module.default;
  } catch {
    console.error(`INVALID ${name}: no Kubernetes API schema for ${object.apiVersion} ${object.kind}`);
    invalid++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    console.error(`INVALID ${name}: ${error.message}`);
    invalid++;
  }
}
console.log(`${objects} objects, ${invalid} invalid`);
process.exit(invalid > 0 || objects === 0 ? 1 : 0);
