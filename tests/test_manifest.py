"""The Office add-in manifest validates offline against Microsoft's XSDs, and its icons exist.

The schemas are vendored in manifest/schemas/ (Microsoft's files, MIT; see PROVENANCE.md there),
so a clone that stands alone validates its manifest.
OfficeAppManifestV1_1.xsd imports the basic-types and VersionOverrides schemas by relative
schemaLocation; a resolver maps every import to the local copy by file name and the parser
never touches the network, so the ribbon button (VersionOverrides) is really checked.
"""
import copy
import importlib.util
import re
import struct
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "manifest" / "manifest.xml"
PUBLIC = REPO / "addin" / "public"

NS = {
    "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
    "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


SCHEMAS = REPO / "manifest" / "schemas"


class LocalSchemas(etree.Resolver):
    """Resolve every schema import to the file of the same name in office-schemas/."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def resolve(self, url, pubid, context):
        name = Path(urlparse(url).path).name
        local = self.folder / name
        if local.is_file():
            return self.resolve_filename(str(local), context)
        return None  # anything else fails: no network


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    folder = SCHEMAS
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(LocalSchemas(folder))
    doc = etree.parse(str(folder / "OfficeAppManifestV1_1.xsd"), parser)
    return etree.XMLSchema(doc)


def parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False)))


@pytest.fixture()
def manifest() -> etree._ElementTree:
    return parse(MANIFEST.read_bytes())


def errors(schema: etree.XMLSchema, doc) -> str:
    schema.validate(doc)
    return "\n".join(str(e) for e in schema.error_log)


def test_manifest_is_valid(schema, manifest):
    assert schema.validate(manifest), errors(schema, manifest)


def test_it_is_an_excel_task_pane_with_a_home_tab_button(manifest):
    root = manifest.getroot()
    assert root.get(f"{{{NS['xsi']}}}type") == "TaskPaneApp"
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", root.findtext("o:Id", namespaces=NS))
    assert root.findtext("o:ProviderName", namespaces=NS) == "Folio"
    assert [h.get("Name") for h in root.findall("o:Hosts/o:Host", NS)] == ["Workbook"]
    assert root.findtext("o:Permissions", namespaces=NS) == "ReadWriteDocument"
    assert root.find("o:DefaultSettings/o:SourceLocation", NS).get("DefaultValue") == "https://localhost:8443/taskpane.html"
    tab = root.find(".//ov:ExtensionPoint[@xsi:type='PrimaryCommandSurface']/ov:OfficeTab", NS)
    assert tab is not None and tab.get("id") == "TabHome"
    action = tab.find(".//ov:Control[@xsi:type='Button']/ov:Action", NS)
    assert action.get(f"{{{NS['xsi']}}}type") == "ShowTaskpane"


def test_missing_required_element_fails(schema, manifest):
    broken = copy.deepcopy(manifest)
    root = broken.getroot()
    root.remove(root.find("o:DisplayName", NS))
    assert not schema.validate(broken)
    assert "DisplayName" in errors(schema, broken)


def test_broken_ribbon_button_fails(schema, manifest):
    """Proves the VersionOverrides schema is loaded: a button without its Label is refused."""
    broken = copy.deepcopy(manifest)
    control = broken.getroot().find(".//ov:Control[@xsi:type='Button']", NS)
    control.remove(control.find("ov:Label", NS))
    assert not schema.validate(broken)
    assert "Supertip" in errors(schema, broken)


def test_wrong_permission_value_fails(schema):
    text = MANIFEST.read_bytes().replace(b"<Permissions>ReadWriteDocument<", b"<Permissions>Everything<")
    assert not schema.validate(parse(text))


def test_every_resid_is_defined(manifest):
    root = manifest.getroot()
    defined = {e.get("id") for e in root.iter() if e.get("id") and e.getparent().tag.startswith(f"{{{NS['bt']}}}")}
    used = {e.get("resid") for e in root.iter() if e.get("resid")}
    assert used <= defined, f"undefined resids: {sorted(used - defined)}"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def icon_urls(manifest) -> dict[str, int | None]:
    """Every icon URL in the manifest -> the pixel size it must have (None = any)."""
    root = manifest.getroot()
    urls: dict[str, int | None] = {
        root.find("o:IconUrl", NS).get("DefaultValue"): 32,
        root.find("o:HighResolutionIconUrl", NS).get("DefaultValue"): 64,
    }
    sizes = {img.get("resid"): int(img.get("size")) for img in root.iter(f"{{{NS['bt']}}}Image") if img.get("resid")}
    for img in root.findall(".//bt:Images/bt:Image", NS):
        urls[img.get("DefaultValue")] = sizes.get(img.get("id"))
    return urls


def test_every_icon_exists_in_public_assets(manifest):
    urls = icon_urls(manifest)
    assert len(urls) >= 4  # 16, 32, 64 (high-resolution) and 80
    for url, size in urls.items():
        path = urlparse(url).path
        assert path.startswith("/assets/"), url
        local = PUBLIC / path.lstrip("/")
        assert local.is_file(), f"{url}: {local} is missing"
        if size:
            assert png_size(local) == (size, size), f"{local} should be {size}x{size}"


def test_urls_are_https_on_one_origin(manifest):
    root = manifest.getroot()
    urls = [e.get("DefaultValue") for e in root.iter() if (e.get("DefaultValue") or "").startswith("http")]
    urls += [e.text for e in root.iter(f"{{{NS['o']}}}AppDomain")]
    origins = {f"{urlparse(u).scheme}://{urlparse(u).netloc}" for u in urls}
    assert origins == {"https://localhost:8443"}


def test_dev_manifest_is_valid_and_points_elsewhere(schema):
    spec = importlib.util.spec_from_file_location("make_dev_manifest", REPO / "manifest" / "make_dev_manifest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = MANIFEST.read_text(encoding="utf-8")
    dev = module.make_dev_manifest(text, "https://localhost:3000")
    doc = parse(dev.encode("utf-8"))
    assert schema.validate(doc), errors(schema, doc)
    assert "localhost:8443" not in dev
    assert "https://localhost:3000/taskpane.html" in dev
    assert doc.getroot().findtext("o:Id", namespaces=NS) != parse(text.encode()).getroot().findtext("o:Id", namespaces=NS)
    assert 'DisplayName DefaultValue="Folio (dev)"' in dev
    with pytest.raises(ValueError):
        module.make_dev_manifest(text, "http://insecure:3000")
