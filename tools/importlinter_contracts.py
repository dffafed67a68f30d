"""An import-linter contract for the house rule "another app is used only through its public face".

For every import from one Xiangcun app into another, the imported module must be one of the
target app's public modules (`public` in the contract: services, selectors, errors, types,
tasks) or the extras an app declares (e.g. core's small helper modules). Project-level modules
outside the apps (urls, api, settings) wire the apps together and are not checked.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicFaceContract(Contract):
    type_name = "public_face"

    root = fields.StringField()
    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    # "app:module" pairs adding public modules for one app.
    extra_public = fields.ListField(subfield=fields.StringField(), required=False)

    def _app_of(self, module: str) -> str | None:
        prefix = f"{self.root}."
        if not module.startswith(prefix):
            return None
        name = module[len(prefix) :].split(".", 1)[0]
        return name if name in self.apps else None

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        public: dict[str, set[str]] = {app: set(self.public) for app in self.apps}
        for pair in self.extra_public or []:
            app, module = pair.split(":", 1)
            public[app].add(module)
        broken: list[str] = []
        for importer in sorted(graph.modules):
            importer_app = self._app_of(importer)
            if importer_app is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = self._app_of(imported)
                if imported_app is None or imported_app == importer_app:
                    continue
                # Only the public module itself: a package's inner modules (`orders.services.cart`)
                # are its own business, reached through what the package re-exports.
                parts = imported.split(".")
                module = parts[2] if len(parts) == 3 else ""
                if module not in public[imported_app]:
                    broken.append(f"{importer} -> {imported}")
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["broken"]:
            output.print_error(line)
        output.new_line()
        output.print(
            "Import another app only through its public modules: " + ", ".join(self.public) + "."
        )
