import hashlib
import os
import pickle
import random
import secrets
import ssl
import subprocess
import tempfile
import xml.etree.ElementTree

import flask
import jwt
import requests
import yaml
from flask import request


def calculator(expr, env):
    # ruleid: eval-of-dynamic-input
    result = eval(expr)
    # ruleid: eval-of-dynamic-input
    exec(env["code"], {})
    # ok: eval-of-dynamic-input
    total = eval("1 + 2")
    return result, total


def archive(folder, name):
    # ruleid: subprocess-shell-true
    subprocess.run(f"tar czf {name}.tgz {folder}", shell=True, check=True)
    # ruleid: subprocess-shell-true-with-list
    subprocess.check_call(["tar", "czf", name, folder], shell=True)
    # ok: subprocess-shell-true
    subprocess.run(["tar", "czf", name, folder], check=True)
    # ruleid: os-system-dynamic
    os.system("rm -rf " + folder)
    # ok: os-system-dynamic
    os.system("sync")


def read_settings(path, blob):
    with open(path) as fh:
        # ruleid: yaml-unsafe-load
        cfg = yaml.load(fh)
    # ruleid: yaml-unsafe-load
    extra = yaml.load(blob, Loader=yaml.Loader)
    # ok: yaml-unsafe-load
    safe = yaml.safe_load(blob)
    # ruleid: unsafe-deserialization
    state = pickle.loads(blob)
    return cfg, extra, safe, state


def find_user(conn, name, uid):
    cur = conn.cursor()
    # ruleid: sql-built-from-strings
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: sql-built-from-strings
    cur.execute("SELECT * FROM users WHERE id = %s" % uid)
    query = f"DELETE FROM users WHERE name = '{name}'"
    # ruleid: sql-built-from-strings
    cur.execute(query)
    # ok: sql-built-from-strings
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cur.fetchall()


def fetch(url, session):
    # ruleid: tls-verification-disabled
    r = requests.get(url, timeout=5, verify=False)
    # ruleid: tls-verification-disabled
    session.post(url, json={}, verify=False)
    # ok: tls-verification-disabled
    requests.get(url, timeout=5)
    # ruleid: ssl-unverified-context
    ctx = ssl._create_unverified_context()
    # ruleid: ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE
    return r, ctx


def fingerprint(data, password):
    # ruleid: weak-hash-algorithm, fast-hash-for-password
    digest = hashlib.md5(password.encode()).hexdigest()
    # ruleid: weak-hash-algorithm
    legacy = hashlib.sha1(data)
    # ok: weak-hash-algorithm
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    # ok: weak-hash-algorithm
    strong = hashlib.sha256(data).hexdigest()
    return digest, legacy, etag, strong


def store_password(user_password, salt):
    # ruleid: fast-hash-for-password
    plain = hashlib.sha256(user_password.encode()).hexdigest()
    # ok: fast-hash-for-password
    slow = hashlib.pbkdf2_hmac("sha256", user_password.encode(), salt, 200_000)
    # ok: fast-hash-for-password
    checksum = hashlib.sha256(salt).hexdigest()
    return plain, slow, checksum


def new_session(alphabet):
    # ruleid: insecure-random-for-secret
    session_token = "".join(random.choice(alphabet) for _ in range(32))
    # ruleid: insecure-random-for-secret
    reset_code = random.randint(100000, 999999)
    # ok: insecure-random-for-secret
    api_token = secrets.token_urlsafe(32)
    # ok: insecure-random-for-secret
    jitter = random.uniform(0, 1)
    return session_token, reset_code, api_token, jitter


# ruleid: hardcoded-secret
DB_PASSWORD = "s3cr3t-Pa55word!"
# ok: hardcoded-secret
DB_PASSWORD_HINT = "see vault"
# ok: hardcoded-secret
API_KEY = "changeme"


def connect(client_cls):
    # ruleid: hardcoded-secret
    return client_cls(host="db", api_key="ak_live_8f1c2d9e7b6a")


def scratch_file():
    # ruleid: insecure-tempfile-mktemp
    path = tempfile.mktemp(suffix=".csv")
    # ok: insecure-tempfile-mktemp
    fd, other = tempfile.mkstemp(suffix=".csv")
    return path, fd, other


def claims(token, key):
    # ruleid: jwt-signature-not-verified
    unsafe = jwt.decode(token, options={"verify_signature": False})
    # ok: jwt-signature-not-verified
    safe = jwt.decode(token, key, algorithms=["HS256"])
    return unsafe, safe


def parse_feed(body):
    # ruleid: xml-parser-untrusted
    return xml.etree.ElementTree.fromstring(body)


def publish(path):
    # ruleid: world-writable-permissions
    os.chmod(path, 0o777)
    # ok: world-writable-permissions
    os.chmod(path, 0o640)


app = flask.Flask(__name__)


@app.route("/report")
def report():
    name = request.args.get("name")
    # ruleid: tainted-request-to-sink, os-system-dynamic
    os.system("lpr " + name)
    safe = os.path.basename(request.args.get("file"))
    # ok: tainted-request-to-sink
    return open(os.path.join("/srv/reports", safe)).read()


if __name__ == "__main__":
    # ruleid: flask-debug-enabled
    app.run(host="127.0.0.1", debug=True)
