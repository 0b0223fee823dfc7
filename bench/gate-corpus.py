#!/usr/bin/env python3
"""Benchmark corpus for the schema gate: N resources of common kinds, valid in strict mode,
written as files of 100 documents. Usage: gate-corpus.py OUT_DIR N  |  gate-corpus.py --kinds"""
import os
import sys


def deployment(i, ns):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: app-{i}, app.kubernetes.io/part-of: shop}}
  annotations: {{owner: team-{i % 9}}}
spec:
  replicas: {1 + i % 4}
  revisionHistoryLimit: 5
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}}}
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      serviceAccountName: sa-{i % 50}
      securityContext: {{runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000}}
      containers:
        - name: app
          image: registry.example.com/shop/app:{i % 7}.{i % 3}.0
          args: ["--port=8080", "--log-level=info"]
          ports:
            - {{name: http, containerPort: 8080, protocol: TCP}}
          env:
            - {{name: MODE, value: production}}
            - name: DB_PASSWORD
              valueFrom: {{secretKeyRef: {{name: db-{i % 20}, key: password}}}}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{cpu: "1", memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /healthz, port: http}}
            periodSeconds: 10
          livenessProbe:
            tcpSocket: {{port: 8080}}
            initialDelaySeconds: 5
          volumeMounts:
            - {{name: config, mountPath: /etc/app, readOnly: true}}
          securityContext: {{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {{drop: [ALL]}}}}
      volumes:
        - name: config
          configMap: {{name: cfg-{i}}}
"""


def service(i, ns):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: {ns}
  labels: {{app: app-{i}}}
spec:
  type: ClusterIP
  selector: {{app: app-{i}}}
  ports:
    - {{name: http, port: 80, targetPort: http, protocol: TCP}}
"""


def configmap(i, ns):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-{i}
  namespace: {ns}
data:
  app.properties: |
    mode=production
    workers={i % 16}
  LOG_LEVEL: info
"""


def statefulset(i, ns):
    return f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-{i}
  namespace: {ns}
spec:
  serviceName: db-{i}
  replicas: 3
  selector:
    matchLabels: {{app: db-{i}}}
  template:
    metadata:
      labels: {{app: db-{i}}}
    spec:
      containers:
        - name: db
          image: postgres:16.{i % 5}
          ports:
            - {{containerPort: 5432, name: pg}}
          resources:
            requests: {{cpu: 250m, memory: 512Mi}}
          volumeMounts:
            - {{name: data, mountPath: /var/lib/postgresql/data}}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {{storage: 10Gi}}
"""


def ingress(i, ns):
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-{i}
  namespace: {ns}
  annotations: {{nginx.ingress.kubernetes.io/rewrite-target: /}}
spec:
  ingressClassName: nginx
  tls:
    - hosts: [app-{i}.example.com]
      secretName: tls-{i}
  rules:
    - host: app-{i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: svc-{i}
                port: {{number: 80}}
"""


def cronjob(i, ns):
    return f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: report-{i}
  namespace: {ns}
spec:
  schedule: "{i % 60} 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/tools/report:1.{i % 4}
              command: [/bin/report, --since=24h]
"""


def serviceaccount(i, ns):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-{i}
  namespace: {ns}
automountServiceAccountToken: false
"""


def role(i, ns):
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader-{i}
  namespace: {ns}
rules:
  - apiGroups: [""]
    resources: [configmaps, services]
    verbs: [get, list, watch]
"""


def rolebinding(i, ns):
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader-{i}
  namespace: {ns}
subjects:
  - {{kind: ServiceAccount, name: sa-{i}, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader-{i}}}
"""


def hpa(i, ns):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: {ns}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: app-{i}}}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{type: Utilization, averageUtilization: 70}}
"""


# Deployments, Services and ConfigMaps dominate real repositories; the others appear less often.
MIX = [deployment, service, configmap, deployment, service, configmap, statefulset, ingress, cronjob,
       serviceaccount, role, rolebinding, hpa]


def main():
    if sys.argv[1:] == ["--kinds"]:
        print(len({f.__name__ for f in MIX}))
        return
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out)
    docs = [MIX[i % len(MIX)](i, f"team-{i % 20}") for i in range(n)]
    for f in range(0, n, 100):
        with open(os.path.join(out, f"part-{f // 100:04d}.yaml"), "w") as fh:
            fh.write("---\n".join(docs[f:f + 100]))


main()
