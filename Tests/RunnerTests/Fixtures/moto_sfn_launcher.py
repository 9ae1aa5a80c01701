"""Test-only launcher: moto's Step Functions server with working activities.

moto executes Amazon States Language state machines when its config
`stepfunctions.execute_state_machine` is true, but its server
  * has no GetActivityTask,
  * builds every execution with an empty activity store, and
  * rejects heartbeats for tasks whose state has no HeartbeatSeconds.
This launcher adds those on top of moto's own classes. Like AWS, it also makes calls on a task that
is already closed (succeeded, failed, timed out, or abandoned) answer `TaskTimedOut`, and hands an
activity a string state input JSON-encoded (moto passes it through raw).

Usage: python moto_sfn_launcher.py [--port 0] [--ttl SECONDS] [--poll-seconds SECONDS] [--also-on ADDRESS]
It binds 127.0.0.1 (and, with --also-on, that address too, printing `ALSO <port>`), prints `READY <port>` on stdout once it serves, and stops itself after
`--ttl` seconds or as soon as the process that started it goes away.

Set INITIAL_NO_AUTH_ACTION_COUNT in the environment to make moto verify SigV4 signatures; the
launcher then also creates an IAM user whose key it prints as `CREDENTIALS <key id> <secret>`.
"""

import argparse
import json
import logging
import os
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--ttl", type=float, default=600.0)
parser.add_argument("--poll-seconds", type=float, default=60.0)
parser.add_argument("--also-on", default=None, help="one more address to serve on (same backends), e.g. a bridge's")
options = parser.parse_args()

from moto.core.config import default_user_config  # noqa: E402
from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402
from moto.stepfunctions import responses as sfn_responses  # noqa: E402
from moto.stepfunctions.parser import models as parser_models  # noqa: E402
from moto.stepfunctions.parser.api import (  # noqa: E402
    ActivityDoesNotExist,
    ExecutionStatus,
    InvalidToken,
    TaskTimedOut,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task import (  # noqa: E402
    state_task_activitiy,
)
from moto.stepfunctions.parser.asl.eval.callback import callback as cb  # noqa: E402
from moto.stepfunctions.parser.backend.activity import Activity  # noqa: E402
from moto.stepfunctions.parser.backend.execution import Execution  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)
default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True

# --- Closed tasks -------------------------------------------------------------------------
# moto never marks a task's callback endpoint as closed. Remember the endpoint each activity
# state creates (per thread: Parallel branches run in their own threads) and close it when the
# state ends, however it ends.
_current = threading.local()
_closed_lock = threading.Lock()
_closed: set[str] = set()
# Tasks taken before moto registered their endpoint, by token: when first seen so.
_unregistered: dict[str, float] = {}

_original_add_activity_task = cb.CallbackPoolManager.add_activity_task


def _add_activity_task(self, callback_id, activity_arn, activity_input):
    endpoint = _original_add_activity_task(self, callback_id, activity_arn, activity_input)
    _current.token = callback_id
    return endpoint


cb.CallbackPoolManager.add_activity_task = _add_activity_task

_original_eval_execution = state_task_activitiy.StateTaskActivity._eval_execution


def _eval_execution(self, env):
    _current.token = None
    try:
        return _original_eval_execution(self, env)
    finally:
        token = getattr(_current, "token", None)
        if token is not None:
            with _closed_lock:
                _closed.add(token)


state_task_activitiy.StateTaskActivity._eval_execution = _eval_execution

# AWS hands an activity the JSON text of the state's input, so a string input (the seed's Pass states have a
# string Result) arrives JSON-encoded a second time. moto passes strings through raw; encode them as AWS does.
_original_eval_parameters = state_task_activitiy.StateTaskActivity._eval_parameters


def _eval_parameters(self, env):
    value = _original_eval_parameters(self, env)
    return json.dumps(value) if isinstance(value, str) else value


state_task_activitiy.StateTaskActivity._eval_parameters = _eval_parameters

# Heartbeats on tasks without HeartbeatSeconds are accepted (AWS accepts them too).
_original_notify_heartbeat = cb.CallbackEndpoint.notify_heartbeat


def _notify_heartbeat(self):
    _original_notify_heartbeat(self)
    return True


cb.CallbackEndpoint.notify_heartbeat = _notify_heartbeat


# --- Activities wired into executions ------------------------------------------------------
class _Activity(Activity):
    """moto's parser activity (a task queue) with the attributes moto's responses read."""

    def __init__(self, arn, name):
        super().__init__(arn=arn, name=name)
        self.encryption_configuration = None
        self.update_date = self.creation_date
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            return self._tasks.popleft() if self._tasks else None

    def put_back(self, task):
        with self.lock:
            self._tasks.appendleft(task)


class Backend(parser_models.StepFunctionsParserBackend):
    def create_activity(self, name, tags=None, encryption_configuration=None):
        activity = super().create_activity(name, tags, encryption_configuration)
        replacement = _Activity(activity.arn, activity.name)
        self.activities[activity.arn] = replacement
        return replacement

    def _endpoint(self, task_token):
        for execution in self._get_executions():
            worker = execution.exec_worker
            if worker is None or worker.env is None:
                continue
            endpoint = worker.env.callback_pool_manager.get(task_token)
            if endpoint is not None:
                return execution, endpoint
        return None, None

    def _open_endpoint(self, task_token):
        execution, endpoint = self._endpoint(task_token)
        if endpoint is None:
            raise InvalidToken()
        with _closed_lock:
            closed = task_token in _closed
        if closed or execution.exec_status != ExecutionStatus.RUNNING:
            raise TaskTimedOut("Task Timed Out: the task is closed", exception_type="TaskTimedOut")
        return endpoint

    def get_activity_task(self, activity_arn, worker_name, poll_seconds):
        activity = self.activities.get(activity_arn)
        if activity is None:
            raise ActivityDoesNotExist(f"Activity Does Not Exist: '{activity_arn}'", exception_type="ActivityDoesNotExist")
        deadline = time.monotonic() + poll_seconds
        while True:
            task = activity.take()
            if task is not None:
                try:
                    endpoint = self._open_endpoint(task.task_token)
                except InvalidToken:
                    # moto queues the task before it registers the task's endpoint: one taken in between is
                    # not yet known, not abandoned. Put it back (for at most 10 s) rather than lose it.
                    first = _unregistered.setdefault(task.task_token, time.monotonic())
                    if time.monotonic() - first < 10:
                        activity.put_back(task)
                        time.sleep(0.05)
                        if time.monotonic() >= deadline:
                            return None
                    continue
                except Exception:
                    continue  # abandoned by its execution: never hand it out
                _unregistered.pop(task.task_token, None)
                endpoint.notify_activity_task_start(worker_name)
                return task
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def send_task_heartbeat(self, task_token):
        self._open_endpoint(task_token).notify_heartbeat()

    def send_task_success(self, task_token, outcome):
        self._open_endpoint(task_token).notify(cb.CallbackOutcomeSuccess(callback_id=task_token, output=outcome))

    def send_task_failure(self, task_token, error=None, cause=None):
        self._open_endpoint(task_token).notify(
            cb.CallbackOutcomeFailure(callback_id=task_token, error=error, cause=cause)
        )


class _Execution(Execution):
    def __init__(self, *args, **kwargs):
        backend = backends[kwargs["account_id"]][kwargs["region_name"]]
        kwargs["activity_store"] = backend.activities
        super().__init__(*args, **kwargs)


backends = parser_models.BackendDict(Backend, "stepfunctions")
parser_models.stepfunctions_parser_backends = backends
parser_models.Execution = _Execution


def _get_backend(account, region):
    return backends[account][region]


sfn_responses.get_backend = _get_backend


def _response_get_activity_task(self):
    task = self.stepfunction_backend.get_activity_task(
        self._get_param("activityArn"), self._get_param("workerName"), options.poll_seconds
    )
    if task is None:
        return sfn_responses.ActionResult({})
    return sfn_responses.ActionResult({"taskToken": task.task_token, "input": task.task_input})


def _response_send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return sfn_responses.EmptyResult()


sfn_responses.StepFunctionResponse.get_activity_task = _response_get_activity_task
sfn_responses.StepFunctionResponse.send_task_failure = _response_send_task_failure


# --- Optional signature checking -----------------------------------------------------------
def _create_user():
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user(region_name="us-east-1", user_name="sluice-test")
    key = iam.create_access_key("sluice-test")
    policy = iam.create_policy(
        description="",
        path="/",
        policy_document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        policy_name="everything",
        tags={},
    )
    iam.attach_user_policy(policy.arn, "sluice-test")
    return key.access_key_id, key.secret_access_key


# --- Serve, bounded --------------------------------------------------------------------------
def main():
    parent = os.getppid()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=options.port, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    # Its Step Functions interpreter reads a Distributed Map's ItemReader from S3 at localhost:$MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    if options.also_on:
        # The same in-process backends on a second address: workers in network namespaces reach it there,
        # while the interpreter keeps calling itself on localhost.
        other = ThreadedMotoServer(ip_address=options.also_on, port=0, verbose=False)
        other.start()
        print(f"ALSO {other.get_host_and_port()[1]}", flush=True)
    if "INITIAL_NO_AUTH_ACTION_COUNT" in os.environ:
        key_id, secret = _create_user()
        print(f"CREDENTIALS {key_id} {secret}", flush=True)
    print(f"READY {port}", flush=True)
    deadline = time.monotonic() + options.ttl
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.2)
    sys.stdout.flush()
    os._exit(0)


main()
