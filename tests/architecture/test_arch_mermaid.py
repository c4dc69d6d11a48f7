from graphs.architecture.mermaid import check_mermaid, node_id, render_mermaid
from graphs.architecture.schema import Component, Connection


def _comp(name, kind="service", tech="x"):
    return Component(name=name, kind=kind, technology=tech, responsibility="r")


def test_ids_are_sanitised_and_never_keywords():
    assert node_id("Key & Secrets Manager") == "Key_Secrets_Manager"
    assert node_id("3rd-party API") == "n_3rd_party_API"
    assert node_id("end") == "end_"
    assert node_id("Pub/Sub Backplane") == "Pub_Sub_Backplane"


def test_rendered_diagram_is_valid_and_uses_shapes_and_arrow_styles():
    comps = [_comp("Clients", "client"), _comp("API Gateway", "edge"), _comp("Orders Service"),
             _comp("Primary Database", "datastore", 'Postgre"SQL" | 16'), _comp("Job Queue", "queue"),
             _comp("Workers", "worker")]
    conns = [Connection(source="Clients", target="API Gateway", protocol="HTTPS", mode="sync"),
             Connection(source="API Gateway", target="Orders Service", protocol="HTTPS", mode="sync"),
             Connection(source="Orders Service", target="Primary Database", protocol="SQL | TLS", mode="sync"),
             Connection(source="Orders Service", target="Job Queue", protocol="AMQP", mode="async"),
             Connection(source="Job Queue", target="Workers", protocol="AMQP", mode="async")]
    text = render_mermaid(comps, conns)
    assert text.splitlines()[0] == "flowchart LR"
    assert check_mermaid(text) == []
    assert 'Primary_Database[("Primary Database<br/>Postgre\'SQL\' / 16")]' in text
    assert "Orders_Service -.->|\"AMQP\"| Job_Queue" in text
    assert "Clients -->|\"HTTPS\"| API_Gateway" in text


def test_checker_rejects_broken_diagrams():
    assert check_mermaid("graph TD\n    A-->B") == ["first line must be 'flowchart LR'"]
    problems = check_mermaid('flowchart LR\n    A["a"]\n    A -->|"x"| B\n    C[unquoted]')
    assert any("undefined node B" in p for p in problems)
    assert any("not a node or edge" in p for p in problems)


def test_duplicate_sanitised_ids_are_disambiguated():
    text = render_mermaid([_comp("A-B"), _comp("A B")], [])
    assert "A_B[" in text and "A_B_2[" in text and check_mermaid(text) == []
