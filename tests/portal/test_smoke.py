from portal.accounts.models import Role


def test_start_page_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_signed_in_employee_sees_start_page(client, login_as):
    login_as(Role.EMPLOYEE, name="Aylin Demir")
    response = client.get("/")
    assert response.status_code == 200
    assert "Aylin Demir" in response.get_data(as_text=True)
