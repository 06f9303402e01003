#!/usr/bin/env node
// Validates a Teams app manifest, and the localization files it names, against the official JSON
// Schemas bundled in the npm package @microsoft/app-manifest, with that package's own validator
// (AJV, draft-04, as the Microsoft 365 Agents Toolkit does). Never fetches anything: the schema is
// picked by the manifest's manifestVersion from the installed package.
//
// Usage: node validate-manifest.js MANIFEST.json
// Output (stdout): {"manifestVersion", "schema", "errors": {"<file>": ["<error>", ...]}}; exit 0
// even when there are errors (the caller judges them); exit 2 when no bundled schema fits.
//
// @microsoft/app-manifest 1.1.2 loads fs-extra without declaring it as a dependency, so
// clients/package.json pins fs-extra itself.
"use strict";

const fs = require("fs");
const path = require("path");
const { AppManifestUtils } = require("@microsoft/app-manifest");

const PACKAGE = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
const SCHEMAS = path.join(PACKAGE, "build", "json-schemas", "teams");
const Ajv04 = require(require.resolve("ajv-draft-04", { paths: [PACKAGE] }));
const addFormats = require(require.resolve("ajv-formats", { paths: [PACKAGE] }));

// The published Localization schema has a pattern that is not a valid regular expression in Unicode
// mode (`\b]` in the activities keys), so AppManifestUtils (AJV in Unicode mode) cannot compile it.
// Same validator and formats, with Unicode mode off: the pattern then compiles as browsers read it.
function validateLocalization(document, schema) {
  const ajv = new Ajv04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(schema);
  if (validate(document)) return [];
  return validate.errors.map((error) => `${error.instancePath} ${error.message || ""}. Details: ${JSON.stringify(error.params)}`);
}

function readJson(file) {
  // The package's own loader does the same: some published schemas escape \a and \v, which JSON lacks.
  return JSON.parse(fs.readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));
}

async function main() {
  const manifestPath = process.argv[2];
  const manifest = readJson(manifestPath);
  const folder = path.join(SCHEMAS, `v${manifest.manifestVersion}`);
  const schemaFile = path.join(folder, "MicrosoftTeams.schema.json");
  if (!fs.existsSync(schemaFile)) {
    process.stderr.write(`no bundled schema for manifestVersion ${JSON.stringify(manifest.manifestVersion)} in ${SCHEMAS}\n`);
    process.exit(2);
  }
  const errors = { [path.basename(manifestPath)]: await AppManifestUtils.validateAgainstSchema(manifest, readJson(schemaFile)) };
  const localization = manifest.localizationInfo || {};
  const files = (localization.additionalLanguages || []).map((language) => language.file);
  if (localization.defaultLanguageFile) files.push(localization.defaultLanguageFile);
  const localizationSchema = readJson(path.join(folder, "MicrosoftTeams.Localization.schema.json"));
  for (const file of files) {
    const full = path.join(path.dirname(manifestPath), file);
    errors[file] = fs.existsSync(full) ? validateLocalization(readJson(full), localizationSchema) : ["file not found"];
  }
  process.stdout.write(JSON.stringify({ manifestVersion: manifest.manifestVersion, schema: path.relative(path.dirname(SCHEMAS), schemaFile), errors }) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
