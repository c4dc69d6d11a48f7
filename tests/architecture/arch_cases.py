"""Hand-written architecture briefs used by the graph tests (original examples, varied domains and scales)."""

CASES = {
    "inventory_crud": dict(
        project_description=(
            "Internal inventory tool for a small furniture workshop. Staff can create, edit and view stock items, "
            "suppliers and purchase orders, and export a monthly CSV. About 150 users. We are a 3-person team and "
            "want to launch in 8 weeks on a tight budget."),
        tech_stack=["Django", "PostgreSQL"],
        requirements=["Admins can manage user roles"],
    ),
    "photo_feed": dict(
        project_description=(
            "A global photo-sharing app for 10 million monthly users. Users can upload photos, search by tag and "
            "browse a feed of people they follow. It must have 99.95% availability and p95 latency under 200 ms. "
            "Peak traffic is 50k requests per second, 95% reads. We store 2 TB today, growing 50 GB per day, and "
            "keep data for 3 years. Team of 40 engineers. GDPR applies."),
        tech_stack=["Go", "PostgreSQL", "Redis", "Kafka"],
        requirements=[],
    ),
    "p2p_payments": dict(
        project_description=(
            "Peer-to-peer payments app: customers link a card, send money to friends and see their balance and "
            "transaction history. Transfers must be strongly consistent with no double spending. PCI DSS "
            "compliance is mandatory. Target 99.99% uptime and 2,000 transactions per second at peak."),
        tech_stack=["Spring Boot", "PostgreSQL", "Kafka"],
        requirements=["Users can request refunds", "Team of 20 engineers", "Send push notifications on transfers"],
    ),
    "iot_telemetry": dict(
        project_description=(
            "Fleet telemetry platform: 200k devices send sensor readings that we ingest continuously. Operators "
            "view live dashboards and receive alerts in real time when thresholds are crossed. Retain raw data "
            "for 13 months. Writes dominate: 1:20 read/write."),
        tech_stack=["Python", "Kafka", "TimescaleDB"],
        requirements=["Generate weekly reports for fleet managers", "Team of 8 engineers", "99.9% availability"],
    ),
    "clinic_booking": dict(
        project_description=(
            "Appointment booking for a chain of physiotherapy clinics. Patients can book, reschedule and cancel "
            "appointments; staff manage calendars; patients get SMS and email reminders. We store health notes, "
            "so HIPAA applies and everything must be encrypted. 50,000 monthly users, 99.9% availability."),
        tech_stack=["Rails", "PostgreSQL"],
        requirements=["Team of 5 developers"],
    ),
    "ticket_flash_sales": dict(
        project_description=(
            "Ticketing site for small concert venues with very spiky traffic during flash sales and almost none "
            "otherwise. Customers browse events and pay for tickets at checkout. Minimise infrastructure cost. "
            "A 4-person team."),
        tech_stack=["AWS Lambda", "DynamoDB"],
        requirements=["No double-selling of seats", "Send e-mail tickets after payment"],
    ),
    "team_chat": dict(
        project_description=(
            "Team chat product with channels and direct messages delivered in real time, file attachments, "
            "full-text search over message history, and iOS and Android apps. 2 million monthly active users, "
            "99.9% availability, messages must never be lost."),
        tech_stack=["Node.js", "MongoDB", "Socket.IO", "Redis"],
        requirements=["Team of 12 engineers"],
    ),
    "claims_modernisation": dict(
        project_description=(
            "Modernise a legacy insurance claims system incrementally. Adjusters can create claims, upload "
            "scanned documents and track claim status; nightly batch jobs produce regulatory reports. SOC 2 "
            "audit logging is required. 5,000 employees use it. Team of 15 developers."),
        tech_stack=["ASP.NET Core", "SQL Server"],
        requirements=["Integrate with the existing policy administration system via its API"],
    ),
}
