"""Joining tagged PDF parts into one tagged PDF (PDF/UA-1), with pikepdf.

Each part is a complete tagged PDF from WeasyPrint. One document is rebuilt from them: the pages
in order; one structure tree (a single Document element holding every part's elements, the parent
tree renumbered so each page and link still finds its elements); the named destinations of every
part (so links across parts work); bookmarks in order; page labels; and the metadata a reader,
an assistive technology and a PDF/UA checker look for (title shown in the window, language, the
PDF/UA identifier). Links that pointed outside a part while it was laid out are turned back into
links inside the document.
"""
from __future__ import annotations

import io
from pathlib import Path


def _tree_items(tree, entries: str, key) -> list[tuple]:
    """(key, value) pairs of a PDF number tree (`entries` "/Nums", `key` int) or name tree ("/Names",
    str), kids included."""
    items = []
    if entries in tree:
        flat = list(tree[entries])
        items.extend((key(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2))
    for kid in tree.get("/Kids", []):
        items.extend(_tree_items(kid, entries, key))
    return items


def _flat_array(items: list[tuple], key=lambda k: k):
    """Sorted (key, value) pairs as the flat array of a number or name tree's leaf."""
    from pikepdf import Array

    flat = Array()
    for name, value in sorted(items, key=lambda item: item[0]):
        flat.append(key(name))
        flat.append(value)
    return flat


def _outline_entries(source) -> list:
    """The part's bookmarks as (title, page index within the part, children) tuples."""
    pages = {page.objgen: index for index, page in enumerate(source.pages)}

    def walk(items):
        entries = []
        for item in items:
            destination = item.destination
            page_index = None
            if destination is not None and len(destination) and hasattr(destination[0], "objgen"):
                page_index = pages.get(destination[0].objgen)
            entries.append((item.title, page_index, walk(item.children)))
        return entries

    with source.open_outline() as outline:
        return walk(outline.root)


def _copy(out, source, value):
    """A part's object in the joined document (pikepdf copies only indirect objects: direct ones are made
    indirect in their own document first). Copies of one part's objects share one map, so a page copied
    with the pages and referred to by a structure element is one object."""
    if not getattr(value, "is_indirect", False):
        value = source.make_indirect(value)
    return out.copy_foreign(value)


def _elements(value) -> list:
    import pikepdf

    return list(value) if isinstance(value, pikepdf.Array) else [value]


def struct_elements(element):
    """Every structure element under `element`, depth first."""
    import pikepdf

    stack = [element]
    while stack:
        current = stack.pop()
        if not isinstance(current, pikepdf.Dictionary):
            continue
        yield current
        kids = current.get("/K")
        if kids is not None:
            stack.extend(reversed(_elements(kids)))


def scope_header_cells(document) -> int:
    """Header cells (TH) get /Scope /Column: every table of the report has its headers in one row
    above the data, which makes the association machine-readable (PDF/UA 7.5)."""
    from pikepdf import Array, Dictionary, Name

    count = 0
    for element in struct_elements(document):
        if element.get("/S") == Name.TH:
            attribute = Dictionary(O=Name.Table, Scope=Name.Column)
            existing = element.get("/A")
            if existing is None:
                element.A = attribute
            elif isinstance(existing, Dictionary):
                element.A = Array([existing, attribute])
            else:
                existing.append(attribute)
            count += 1
    return count


def describe_links(pdf) -> None:
    """Every link annotation gets /Contents, its alternate description (PDF/UA 7.18.5): where it
    goes, in words."""
    from pikepdf import Name, String

    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != Name.Link or "/Contents" in annotation:
                continue
            action = annotation.get("/A")
            target = ""
            if action is not None and action.get("/S") == Name.URI:
                target = f"Link to {action.URI}"
            elif action is not None and action.get("/S") == Name.GoTo:
                destination = str(action.D)
                target = (f"Go to entry {destination[4:]} of the bibliography" if destination.startswith("ref-")
                          else f"Go to {destination.replace('-', ' ')}")
            elif "/Dest" in annotation:
                target = "Go to a place in this document"
            if target:
                annotation.Contents = String(target)


def join_tagged(parts: list[bytes], target: Path, front_pages: int, title: str, creator: str, producer: str,
                cross_link: str, language: str = "en") -> None:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, OutlineItem, String

    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_tree: list[tuple[int, object]] = []
    destinations: list[tuple[str, object]] = []
    role_map = Dictionary()
    outlines: list[tuple] = []
    next_key = 0
    sources = []
    for data in parts:
        source = pikepdf.open(io.BytesIO(data))
        sources.append(source)  # kept open until the output is written: its objects are copied lazily
        first_page = len(out.pages)
        out.pages.extend(source.pages)
        tree = source.Root.get("/StructTreeRoot")
        offset = next_key
        if tree is not None:
            for element in _elements(_copy(out, source, tree.K)):
                for kid in (_elements(element.K) if element.get("/S") == Name.Document and "/K" in element else [element]):
                    if isinstance(kid, Dictionary):
                        kid.P = document
                    document.K.append(kid)
            parents = _tree_items(tree.ParentTree, "/Nums", int)
            parent_tree.extend((key + offset, _copy(out, source, value)) for key, value in parents)
            next_key += int(tree.get("/ParentTreeNextKey", len(parents)))
            for role, mapped in (tree.get("/RoleMap") or {}).items():
                role_map[role] = mapped
        for page in out.pages[first_page:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            destinations.extend((name, _copy(out, source, value)) for name, value in _tree_items(names.Dests, "/Names", str))
        outlines.extend((entry, first_page) for entry in _outline_entries(source))

    # Links laid out as pointing outside their part go to the named destination inside the document.
    for page in out.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = action.get("/URI") if action is not None else None
            if uri is not None and str(uri).startswith(cross_link):
                annotation.A = Dictionary(S=Name.GoTo, D=String(str(uri)[len(cross_link):]))

    out.Root.StructTreeRoot = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=document, ParentTree=out.make_indirect(Dictionary(Nums=_flat_array(parent_tree))),
        ParentTreeNextKey=next_key, RoleMap=role_map))
    document.P = out.Root.StructTreeRoot
    scope_header_cells(document)
    describe_links(out)
    out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=_flat_array(destinations, String))))
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.Lang = String(language)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.Root.PageMode = Name.UseOutlines
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), front_pages, Dictionary(S=Name.D, St=1)]))
    for page in out.pages:
        page.obj.Tabs = Name.S

    def add(items, entries, first_page):
        for text, page_index, children in entries:
            item = OutlineItem(text, first_page + page_index if page_index is not None else None)
            add(item.children, children, first_page)
            items.append(item)

    with out.open_outline() as outline:
        for entry, first_page in outlines:
            add(outline.root, [entry], first_page)
    out.docinfo["/Title"] = String(title)
    out.docinfo["/Creator"] = String(creator)
    out.docinfo["/Producer"] = String(producer)
    with out.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:language"] = [language]
        meta["pdfuaid:part"] = "1"
        meta["xmp:CreatorTool"] = creator
        meta["pdf:Producer"] = producer
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True)
    for source in sources:
        source.close()
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
